/**
 * dist/cli.cjs against a real Vault dev server: a GitLab-shaped job (id_tokens variable → 0600 file → source),
 * a CircleCI-shaped job (`circleci run oidc get` with an audience → $BASH_ENV), and `check` with a readable, a denied
 * and a missing path (CLI and the action's `check: true`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { leaks, runBundle } from '../../__fixtures__/runner.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { bashRead, differing, mode, NASTY, runBundleCli, tempDir, type TempDir } from './helpers.js'

let vault: VaultServer
let issuer: OidcIssuer
let dir: TempDir
const AUD = 'https://vault.test'
const SECRETS = 'secret/app/db password | DB_PASSWORD\nsecret/app/db user | DB_USER\nsecret/app/pem key | TLS_KEY'
const EXPECTED = { DB_PASSWORD: NASTY.QUOTES as string, DB_USER: 'app', TLS_KEY: NASTY.MULTI as string }

beforeAll(async () => {
  ;[vault, issuer] = await startTogether([startVaultServer(), startOidcIssuer()] as const)
  dir = tempDir()
  await vault.api('POST', 'sys/auth/jwt', { type: 'jwt' })
  await vault.api('POST', 'auth/jwt/config', { jwks_url: issuer.jwksUrl, bound_issuer: issuer.issuer })
  await vault.api('PUT', 'sys/policies/acl/ci-read', { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' })
  const role = (bound_claims: Record<string, string>) => ({
    role_type: 'jwt',
    user_claim: 'sub',
    bound_audiences: [AUD],
    bound_claims,
    token_policies: ['ci-read'],
    token_ttl: '10m',
  })
  await vault.api('POST', 'auth/jwt/role/gitlab', role({ project_path: 'group/project', ref_protected: 'true' }))
  await vault.api('POST', 'auth/jwt/role/circleci', role({ 'oidc.circleci.com/project-id': 'p-123' }))
  await vault.api('POST', 'auth/jwt/role/github', role({ repository: 'octo-org/octo-repo' }))
  await vault.api('POST', 'secret/data/app/db', { data: { password: NASTY.QUOTES, user: 'app' } })
  await vault.api('POST', 'secret/data/app/pem', { data: { key: NASTY.MULTI } })
  await vault.api('POST', 'secret/data/other/x', { data: { k: 'not for ci' } })
})

afterAll(async () => {
  await Promise.all([vault?.stop(), issuer?.close()])
  dir?.remove()
})

const gitlabToken = (): Promise<string> =>
  issuer.mint({
    audience: AUD,
    claims: { sub: 'project_path:group/project:ref_type:branch:ref:main', project_path: 'group/project', ref_protected: 'true' },
  })

describe(`${SERVER}: the CLI against a real server`, () => {
  it('GitLab-shaped job: $VAULT_ID_TOKEN → shell file (0600) that the job sources; the token is revoked', async () => {
    const out = dir.file('gitlab-vault.sh')
    const token = await gitlabToken()
    const run = await runBundleCli(['--role', 'gitlab', '--secrets', SECRETS, '--output', out], {
      GITLAB_CI: 'true',
      VAULT_ID_TOKEN: token,
      VAULT_ADDR: vault.addr,
    })
    expect(run.stderr).not.toContain('error')
    expect(run.code).toBe(0)
    expect(differing(bashRead(out, Object.keys(EXPECTED)), EXPECTED)).toEqual([])
    expect(mode(out)).toBe(0o600)
    expect(run.stderr).toContain('revoked the Vault token')
    expect(leaks(run.stdout + run.stderr, [...Object.values(EXPECTED), token])).toEqual([])
  })

  it('CircleCI-shaped job: `circleci run oidc get` with the audience → exports appended to $BASH_ENV', async () => {
    const token = await issuer.mint({
      audience: AUD,
      claims: { sub: 'org/o-1/project/p-123/user/u-1', 'oidc.circleci.com/project-id': 'p-123' },
    })
    writeFileSync(dir.file('circle.token'), token)
    dir.fakeExecutable('circleci', `cat ${JSON.stringify(dir.file('circle.token'))}`)
    const orgScoped = await issuer.mint({ audience: 'o-1', claims: { 'oidc.circleci.com/project-id': 'p-123' } })
    const bashEnv = dir.file('bash_env')
    const run = await runBundleCli(['--role', 'circleci', '--audience', AUD, '--secrets', SECRETS], {
      CIRCLECI: 'true',
      CIRCLE_OIDC_TOKEN_V2: orgScoped,
      BASH_ENV: bashEnv,
      VAULT_ADDR: vault.addr,
      PATH: `${dir.path}:${process.env.PATH}`,
    })
    expect(run.stderr).not.toContain('error')
    expect(run.code).toBe(0)
    expect(dir.args('circleci')).toEqual([['run', 'oidc', 'get', '--claims', JSON.stringify({ aud: AUD })]])
    expect(differing(bashRead(bashEnv, Object.keys(EXPECTED)), EXPECTED)).toEqual([])
    expect(
      readFileSync(bashEnv, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('export ')),
    ).toHaveLength(3)
    expect(mode(bashEnv)).toBe(0o600)
    expect(leaks(run.stdout + run.stderr, [...Object.values(EXPECTED), token])).toEqual([])
  })

  it('check: prints path → ok / denied / missing with policies and TTL, exports nothing, exits 1', async () => {
    const out = dir.file('never-written.env')
    const run = await runBundleCli(
      ['check', '--role', 'gitlab', '--secrets', 'secret/app/db password; secret/other/x k; secret/app/missing k', '--output', out],
      { GITLAB_CI: 'true', VAULT_ID_TOKEN: await gitlabToken(), VAULT_ADDR: vault.addr },
    )
    expect(run.code).toBe(1)
    const rows = run.stdout.split('\n')
    expect(rows.find((r) => r.startsWith('secret/app/db '))).toMatch(/^secret\/app\/db +ok +read +\(reads secret\/data\/app\/db\)$/)
    expect(rows.find((r) => r.startsWith('secret/other/x '))).toMatch(/^secret\/other\/x +denied +deny +\(reads secret\/data\/other\/x\)$/)
    expect(rows.find((r) => r.startsWith('secret/app/missing '))).toMatch(/^secret\/app\/missing +missing +read/)
    expect(run.stdout).toMatch(/token policies: ci-read, default; ttl: (599|600)s/)
    expect(run.stderr).toContain('2 of 3 path(s) cannot be read')
    expect(() => readFileSync(out)).toThrow(/ENOENT/)
    expect(leaks(run.stdout + run.stderr, [NASTY.QUOTES as string])).toEqual([])
  })

  it("the action's `check: true` reports the same table and fails the step without exporting", async () => {
    const run = await runBundle('main', {
      inputs: {
        url: vault.addr,
        method: 'jwt',
        role: 'github',
        jwtGithubAudience: AUD,
        secrets: 'secret/app/db password; secret/other/x k',
        check: 'true',
      },
      env: issuer.githubEnv(),
    })
    expect(run.code).toBe(1)
    expect(run.log).toMatch(/secret\/app\/db +ok/)
    expect(run.log).toMatch(/secret\/other\/x +denied/)
    expect(run.stdout).toContain('::error::vault-oidc-action: the check found 1 path(s) that cannot be read')
    expect(run.env).toEqual({})
    expect(run.summary).toContain('### Vault access check')
  })
})
