/**
 * Namespaces against the real server, through the built action (main, then post) as a GitHub runner runs it.
 * OpenBao has them (open source since 2.3): child namespaces team-a, team-a/ci and team-b, each with its own KV
 * mounts; a JWT login at the root and one inside team-a. Vault OSS has none: there the test asserts the refusal.
 * (That the X-Vault-Namespace header goes with every request is shown against the fake: __tests__/action/namespace.test.ts.)
 */
import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { runBundle } from '../../__fixtures__/runner.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { expectFailure, expectSuccess, jwtRole, mainThenPost } from './helpers.js'

const AUDIENCE = 'https://vault.test'
const REPO = { repository: 'octo-org/octo-repo' }
let vault: VaultServer
let issuer: OidcIssuer

beforeAll(async () => {
  ;[vault, issuer] = await startTogether([startVaultServer(), startOidcIssuer()] as const)
})

afterAll(async () => {
  await Promise.all([vault?.stop(), issuer?.close()])
})

/** Whether `token` (issued in `namespace`) still works. */
async function tokenIsValidIn(namespace: string, token: string): Promise<boolean> {
  return (await vault.api('GET', 'auth/token/lookup-self', undefined, { token, namespace, allow: [403] })).status === 200
}

const jwtLogin = (role: string, extra: Record<string, string> = {}) => ({
  url: vault.addr,
  method: 'jwt',
  role,
  jwtGithubAudience: AUDIENCE,
  ...extra,
})

if (SERVER === 'vault') {
  describe(`${SERVER}: namespaces (Vault OSS has none)`, () => {
    it('refuses to create one, and a namespace path prefix routes nowhere: the step fails naming the path', async () => {
      const created = await vault.api<{ errors?: string[] }>('POST', 'sys/namespaces/team-a', {}, { allow: [400, 404, 405] })
      expect(created.status).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(created.body)).toMatch(/enterprise|unsupported path|no handler/i)
      const token = (
        await vault.api<{ auth: { client_token: string } }>('POST', 'auth/token/create', { policies: ['default'], ttl: '10m' })
      ).body.auth.client_token
      const r = await runBundle('main', { inputs: { url: vault.addr, token, secrets: 'team-a/secret/app/db password | A_PASS' } })
      expectFailure(r, '"team-a/secret/app/db"')
    })

    it('ignores X-Vault-Namespace: with namespace "team-a" the step reads the root namespace\'s secret', async () => {
      await vault.api('POST', 'secret/data/app/db', { data: { password: 'root-pass' } })
      const r = await runBundle('main', {
        inputs: { url: vault.addr, token: vault.rootToken, namespace: 'team-a', secrets: 'secret/app/db password | A_PASS' },
      })
      expectSuccess(r)
      expect(r.env).toEqual({ A_PASS: 'root-pass' })
    })
  })
} else {
  describe(`${SERVER}: namespaces`, () => {
    beforeAll(async () => {
      const ns = (namespace: string) => ({ namespace })
      await vault.api('POST', 'sys/namespaces/team-a', {})
      await vault.api('POST', 'sys/namespaces/team-b', {})
      await vault.api('POST', 'sys/namespaces/ci', {}, ns('team-a'))
      for (const [namespace, password] of [
        ['team-a', 'a-pass'],
        ['team-b', 'b-pass'],
        ['team-a/ci', 'ci-pass'],
      ] as const) {
        await vault.api('POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } }, ns(namespace))
        await vault.api('POST', 'secret/data/app/db', { data: { password } }, ns(namespace))
      }
      await vault.api('POST', 'sys/mounts/kv1', { type: 'kv', options: { version: '1' } }, ns('team-a'))
      await vault.api('POST', 'kv1/app/config', { password: 'a-kv1-pass' }, ns('team-a'))

      // a login at the root whose policy reaches into the children by path prefix
      await vault.api('POST', 'sys/auth/jwt', { type: 'jwt' })
      await vault.api('POST', 'auth/jwt/config', { jwks_url: issuer.jwksUrl, bound_issuer: issuer.issuer })
      const childRules = {
        'team-a/secret/data/app/*': ['read'],
        'team-b/secret/data/app/*': ['read'],
        'team-a/ci/secret/data/app/*': ['read'],
        'team-a/pki/issue/web': ['update'],
        'team-a/sys/leases/revoke': ['update'],
      }
      await vault.api('PUT', 'sys/policies/acl/children', {
        policy: Object.entries(childRules)
          .map(([p, caps]) => `path "${p}" { capabilities = ${JSON.stringify(caps)} }`)
          .join('\n'),
      })
      await jwtRole(vault, 'root-reader', { bound_audiences: [AUDIENCE], bound_claims: REPO, token_policies: ['children'] })

      // a login inside team-a, with a PKI engine that issues leased certificates there
      await vault.api('POST', 'sys/auth/jwt', { type: 'jwt' }, ns('team-a'))
      await vault.api('POST', 'auth/jwt/config', { jwks_url: issuer.jwksUrl, bound_issuer: issuer.issuer }, ns('team-a'))
      const rules = {
        'secret/data/app/*': ['read'],
        'kv1/app/*': ['read'],
        'ci/secret/data/app/*': ['read'],
        'pki/issue/web': ['update'],
        'sys/leases/revoke': ['update'],
      }
      await vault.api(
        'PUT',
        'sys/policies/acl/team',
        {
          policy: Object.entries(rules)
            .map(([p, caps]) => `path "${p}" { capabilities = ${JSON.stringify(caps)} }`)
            .join('\n'),
        },
        ns('team-a'),
      )
      await vault.api(
        'POST',
        'auth/jwt/role/team-reader',
        {
          role_type: 'jwt',
          user_claim: 'sub',
          token_ttl: '10m',
          bound_audiences: [AUDIENCE],
          bound_claims: REPO,
          token_policies: ['team'],
        },
        ns('team-a'),
      )
      await vault.api('POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '24h' } }, ns('team-a'))
      await vault.api('POST', 'pki/root/generate/internal', { common_name: 'Team A Root', ttl: '24h' }, ns('team-a'))
      await vault.api(
        'POST',
        'pki/roles/web',
        { allowed_domains: ['example.test'], allow_subdomains: true, max_ttl: '1h', generate_lease: true },
        ns('team-a'),
      )
    })

    it('logs in at the root and reads from two child namespaces and a grandchild by path prefix (KV v2 found in each)', async () => {
      const secrets =
        'team-a/secret/app/db password | A_PASS ; team-b/secret/app/db password | B_PASS ; team-a/ci/secret/app/db password | CI_PASS'
      const { main, post } = await mainThenPost({ inputs: jwtLogin('root-reader', { secrets }), env: issuer.githubEnv() })
      expect(main.env).toEqual({ A_PASS: 'a-pass', B_PASS: 'b-pass', CI_PASS: 'ci-pass' })
      expect(main.masks).toEqual(expect.arrayContaining(['a-pass', 'b-pass', 'ci-pass']))
      expect(post.log).toContain('revoked the Vault token')
      expect(await tokenIsValidIn('', main.state.vaultToken ?? '')).toBe(false)
    })

    it('logs in inside a namespace (namespace input): KV v2 and v1 there and in its child; the post step revokes the token in that namespace', async () => {
      const secrets = 'secret/app/db password | A_PASS ; kv1/app/config password | KV1_PASS ; ci/secret/app/db password | CI_PASS'
      const { main, post } = await mainThenPost({
        inputs: jwtLogin('team-reader', { namespace: 'team-a', secrets }),
        env: issuer.githubEnv(),
      })
      expect(main.env).toEqual({ A_PASS: 'a-pass', KV1_PASS: 'a-kv1-pass', CI_PASS: 'ci-pass' })
      const token = main.state.vaultToken ?? ''
      expect(token).not.toBe('')
      expect(post.log).toContain('revoked the Vault token')
      expect(await tokenIsValidIn('team-a', token)).toBe(false)
    })

    it('without the namespace input the same login goes to the root, which has no such role: the error says to check "namespace"', async () => {
      const r = await runBundle('main', { inputs: jwtLogin('team-reader', { secrets: 'secret/app/db password' }), env: issuer.githubEnv() })
      expectFailure(r, 'role "team-reader" could not be found', '"namespace"')
    })

    const revokedSerials = async (): Promise<string[]> =>
      (await vault.api<{ data?: { keys?: string[] } }>('LIST', 'pki/certs/revoked', undefined, { namespace: 'team-a', allow: [404] })).body
        ?.data?.keys ?? []
    const serialOf = (pem: string | undefined): string =>
      new X509Certificate(pem ?? '').serialNumber.toLowerCase().replace(/(..)(?!$)/g, '$1:')

    it('a lease taken from the root by path prefix is revoked in its namespace by the post step (revoke-self would leave it)', async () => {
      const pki = 'team-a/pki/issue/web {"common_name":"root.example.test","ttl":"10m"}'
      const main = await runBundle('main', { inputs: jwtLogin('root-reader', { pki }), env: issuer.githubEnv() })
      expectSuccess(main)
      const serial = serialOf(main.outputs.web_cert)
      expect(await revokedSerials()).not.toContain(serial)
      const post = await runBundle('post', { inputs: { url: vault.addr }, state: main.state })
      expectSuccess(post)
      expect(post.log).toContain('revoked the Vault token; revoked 1/1 lease(s) explicitly')
      expect(await revokedSerials()).toContain(serial)
    })

    it('a leased certificate issued inside the namespace is revoked there by the post step', async () => {
      const pki = 'pki/issue/web {"common_name":"app.example.test","ttl":"10m"}'
      const main = await runBundle('main', { inputs: jwtLogin('team-reader', { namespace: 'team-a', pki }), env: issuer.githubEnv() })
      expectSuccess(main)
      const serial = serialOf(main.outputs.web_cert)
      const leases = JSON.parse(main.state.vaultLeases ?? '[]') as string[]
      expect(leases).toHaveLength(1)
      expect(await revokedSerials()).not.toContain(serial)
      const post = await runBundle('post', { inputs: { url: vault.addr, namespace: 'team-a' }, state: main.state })
      expectSuccess(post)
      expect(post.log).toContain('revoked the Vault token; revoked 1/1 lease(s) explicitly')
      expect(await revokedSerials()).toContain(serial)
    })
  })
}
