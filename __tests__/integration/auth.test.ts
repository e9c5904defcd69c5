/**
 * Every login method the real dev server supports without outside systems, run through the built action
 * (dist/main.cjs, then dist/post.cjs) as a GitHub runner would. ldap, kubernetes and github logins need outside
 * systems and are covered against the loopback fake elsewhere.
 */
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { runBundle } from '../../__fixtures__/runner.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import {
  enableGithubJwt,
  expectFailure,
  jwtRole,
  jwtsInLog,
  mainThenPost,
  tokenIsValid,
  tokenWithPolicies,
  writePolicy,
} from './helpers.js'

const AUDIENCE = 'https://vault.test'
const SECRET = 'p@ss word/+='
let vault: VaultServer
let issuer: OidcIssuer

beforeAll(async () => {
  ;[vault, issuer] = await startTogether([startVaultServer(), startOidcIssuer()] as const)
  await enableGithubJwt(vault, issuer)
  await writePolicy(vault, 'ci-read', { 'secret/data/app/*': ['read'] })
  await vault.api('POST', 'secret/data/app/db', { data: { password: SECRET, user: 'app' } })
  const repo = { repository: 'octo-org/octo-repo' }
  await jwtRole(vault, 'deploy', { bound_audiences: [AUDIENCE], bound_claims: repo, token_policies: ['ci-read'] })
  await jwtRole(vault, 'other-repo', {
    bound_audiences: [AUDIENCE],
    bound_claims: { repository: 'octo-org/other-repo' },
    token_policies: ['ci-read'],
  })
  await jwtRole(vault, 'strict-expiry', {
    bound_audiences: [AUDIENCE],
    bound_claims: repo,
    token_policies: ['ci-read'],
    expiration_leeway: -1,
    clock_skew_leeway: -1,
  })
  await jwtRole(vault, 'no-audiences', { bound_claims: repo, token_policies: ['ci-read'] })
})

afterAll(async () => {
  await Promise.all([vault?.stop(), issuer?.close()])
})

const read = { secrets: 'secret/app/db password | DB_PASSWORD ; secret/app/db user' }

describe(`${SERVER}: jwt with the GitHub-style ID token (jwks_url)`, () => {
  const jwtInputs = (role: string, audience = AUDIENCE) => ({
    url: vault.addr,
    method: 'jwt',
    role,
    ...(audience ? { jwtGithubAudience: audience } : {}),
    ...read,
  })

  it('logs in, exports and masks the secrets, writes the summary; the post step revokes the token', async () => {
    const { main, post } = await mainThenPost({ inputs: jwtInputs('deploy'), env: issuer.githubEnv() })
    expect(issuer.audiences.at(-1)).toBe(AUDIENCE)
    expect(main.env).toEqual({ DB_PASSWORD: SECRET, USER: 'app' })
    expect(main.outputs).toMatchObject({ DB_PASSWORD: SECRET, user: 'app' })
    expect(main.masks).toContain(SECRET)
    expect(main.summary).toContain('`DB_PASSWORD`')
    expect(main.summary).not.toContain(SECRET)
    expect(jwtsInLog(main)).toEqual([])
    const token = main.state.vaultToken ?? ''
    expect(main.masks).toContain(token)
    expect(post.log).toContain('revoked the Vault token')
    expect(await tokenIsValid(vault, token)).toBe(false)
  })

  const failures: Array<[string, () => Record<string, string>, Array<string | RegExp>]> = [
    [
      'a wrong audience',
      () => jwtInputs('deploy', 'https://wrong.test'),
      ['invalid audience (aud) claim', 'Hint:', '"jwtGithubAudience"', 'aud: "https://wrong.test"'],
    ],
    [
      'a bound-claim mismatch',
      () => jwtInputs('other-repo'),
      ['claim "repository" does not match any associated bound claim values', 'Hint:', 'repository: "octo-org/octo-repo"'],
    ],
    [
      'an unknown role',
      () => jwtInputs('no-such-role'),
      [
        'role "no-such-role" could not be found',
        'Hint: there is no role "no-such-role" on auth/jwt',
        'sub: "repo:octo-org/octo-repo:ref:refs/heads/main"',
      ],
    ],
    [
      'an audience claim but no bound_audiences',
      () => jwtInputs('no-audiences', ''),
      [
        'audience claim found in JWT but no audiences bound to the role',
        'Add bound_audiences="https://github.com/octo-org"',
        'aud: "https://github.com/octo-org"',
      ],
    ],
  ]
  it.each(failures)("fails on %s with Vault's message, a hint and the claims, never the JWT", async (_name, inputs, fragments) => {
    const r = await runBundle('main', { inputs: inputs(), env: issuer.githubEnv() })
    expectFailure(
      r,
      'Vault rejected the JWT login at auth/jwt',
      'The token presented (claims decoded locally; the token is not shown)',
      ...fragments,
    )
    expect(jwtsInLog(r)).toEqual([])
    expect(r.state.vaultToken).toBeUndefined()
  })

  it('fails on an expired token (role without leeway) and says when it expired', async () => {
    issuer.expiresIn = -120
    try {
      const r = await runBundle('main', { inputs: jwtInputs('strict-expiry'), env: issuer.githubEnv() })
      expectFailure(r, 'token is expired', /Hint: the token expired at \d{4}-\d\d-\d\dT/, /exp: .* \(1[12]\ds ago\)/)
      expect(jwtsInLog(r)).toEqual([])
    } finally {
      issuer.expiresIn = 300
    }
  })
})

describe(`${SERVER}: other login methods`, () => {
  it('jwt with jwtPrivateKey: a self-signed RS256 token verified with jwt_validation_pubkeys', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    await vault.api('POST', 'sys/auth/jwt-self', { type: 'jwt' })
    await vault.api('POST', 'auth/jwt-self/config', {
      jwt_validation_pubkeys: [publicKey.export({ type: 'spki', format: 'pem' })],
      bound_issuer: 'vault-action',
    })
    await jwtRole(
      vault,
      'self',
      { user_claim: 'repository', bound_claims: { repository: 'octo-org/octo-repo', ref: 'refs/heads/main' }, token_policies: ['ci-read'] },
      'jwt-self',
    )
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const inputs = {
      url: vault.addr,
      method: 'jwt',
      path: 'jwt-self',
      role: 'self',
      jwtPrivateKey: Buffer.from(pem).toString('base64'),
      ...read,
    }
    const { main } = await mainThenPost({ inputs, env: { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_REF: 'refs/heads/main' } })
    expect(main.env.DB_PASSWORD).toBe(SECRET)
    expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)

    const wrongRef = await runBundle('main', { inputs, env: { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_REF: 'refs/heads/feature' } })
    expectFailure(wrongRef, 'claim "ref" does not match', 'ref: "refs/heads/feature"', 'iss: "vault-action"')
    expect(jwtsInLog(wrongRef)).toEqual([])
  })

  it('token: reads with the given token; the post step leaves a token it did not create alone', async () => {
    const token = await tokenWithPolicies(vault, ['ci-read'])
    const { main, post } = await mainThenPost({ inputs: { url: vault.addr, token, ...read } })
    expect(main.env.DB_PASSWORD).toBe(SECRET)
    expect(main.masks).toContain(token)
    expect(main.state.vaultToken).toBeUndefined()
    expect(post.log).toContain('nothing to revoke')
    expect(await tokenIsValid(vault, token)).toBe(true)
  })

  describe('approle', () => {
    let roleId: string
    beforeAll(async () => {
      await vault.api('POST', 'sys/auth/approle', { type: 'approle' })
      await vault.api('POST', 'auth/approle/role/ci', { token_policies: ['ci-read'], secret_id_ttl: '10m', token_ttl: '10m' })
      roleId = (await vault.api<{ data: { role_id: string } }>('GET', 'auth/approle/role/ci/role-id')).body.data.role_id
    })
    const secretId = async (wrap?: string) =>
      (
        await vault.api<{ data?: { secret_id: string }; wrap_info?: { token: string } }>(
          'POST',
          'auth/approle/role/ci/secret-id',
          {},
          wrap ? { headers: { 'x-vault-wrap-ttl': wrap } } : {},
        )
      ).body

    it('logs in with role_id and secret_id; the token is revoked after post', async () => {
      const id = (await secretId()).data?.secret_id ?? ''
      const { main } = await mainThenPost({ inputs: { url: vault.addr, method: 'approle', roleId, secretId: id, ...read } })
      expect(main.env.DB_PASSWORD).toBe(SECRET)
      expect(main.masks).toContain(id)
      expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)
    })

    it('unwraps a response-wrapped secret_id once; a second use fails clearly', async () => {
      const wrapToken = (await secretId('60s')).wrap_info?.token ?? ''
      expect(wrapToken).not.toBe('')
      const inputs = { url: vault.addr, method: 'approle', roleId, wrappedSecretId: wrapToken, ...read }
      const { main } = await mainThenPost({ inputs })
      expect(main.env.DB_PASSWORD).toBe(SECRET)
      expect(main.masks).toContain(wrapToken)
      const again = await runBundle('main', { inputs })
      expectFailure(again, 'the wrapped secret_id token is not valid (already used or expired?)')
    })

    it("a wrong secret_id fails with Vault's message and a hint naming the inputs", async () => {
      const r = await runBundle('main', { inputs: { url: vault.addr, method: 'approle', roleId, secretId: 'not-a-secret-id', ...read } })
      expectFailure(
        r,
        'Vault rejected the approle login at auth/approle (HTTP 400)',
        'invalid role or secret ID',
        'check "roleId" and "secretId"',
      )
    })
  })

  it('userpass: logs in, and a wrong password names the inputs to check', async () => {
    await vault.api('POST', 'sys/auth/userpass', { type: 'userpass' })
    await vault.api('POST', 'auth/userpass/users/ci', { password: 'pw-123', token_policies: ['ci-read'] })
    const { main } = await mainThenPost({ inputs: { url: vault.addr, method: 'userpass', username: 'ci', password: 'pw-123', ...read } })
    expect(main.env.DB_PASSWORD).toBe(SECRET)
    expect(main.masks).toContain('pw-123')
    expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)
    const bad = await runBundle('main', { inputs: { url: vault.addr, method: 'userpass', username: 'ci', password: 'wrong', ...read } })
    expectFailure(bad, 'Vault rejected the userpass login at auth/userpass', 'check "username" and "password"')
  })
})
