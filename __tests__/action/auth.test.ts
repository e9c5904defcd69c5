import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { readActionConfig } from '../../src/config/action.js'
import { githubIdTokenSource } from '../../src/platforms/ci/github.js'
import type { TokenSource } from '../../src/core/ports.js'
import { login, type LoginResult } from '../../src/core/login.js'
import { rejectionOf, requestsTo, runMainStep, useFakeVault } from './helpers.js'

const t = useFakeVault()
let issuer: OidcIssuer
let dir: string
beforeAll(async () => {
  issuer = await startOidcIssuer()
  dir = await mkdtemp(join(tmpdir(), 'vault-oidc-auth-'))
})
afterAll(async () => {
  await issuer.close()
  await rm(dir, { recursive: true, force: true })
})

interface LoginRun {
  readonly result: LoginResult
  readonly masks: string[]
  readonly slept: number[]
}

/** Logs in with the action's inputs (parsed by the real config reader) against the fake. */
async function loginWith(
  inputs: Record<string, string>,
  tokenSource?: (http: ReturnType<typeof t.connect>['http']) => TokenSource,
): Promise<LoginRun> {
  const values: Record<string, string> = { url: t.fake.url, ...inputs }
  const config = readActionConfig((name) => values[name] ?? '')
  const conn = t.connect({ ...(config.namespace ? { namespace: config.namespace } : {}) })
  const masks: string[] = []
  const result = await login({
    vault: conn.vault,
    auth: config.auth,
    ...(tokenSource ? { tokenSource: tokenSource(conn.http) } : {}),
    log: conn.platform.log,
    mask: (s) => masks.push(s),
  })
  return { result, masks, slept: conn.slept }
}

const loginError = (inputs: Record<string, string>, tokenSource?: Parameters<typeof loginWith>[1]): Promise<string> =>
  rejectionOf(loginWith(inputs, tokenSource))

const bodiesTo = (apiPath: string): unknown[] => requestsTo(t.fake, 'POST', apiPath).map((r) => r.body)

describe('request shape of each auth method', () => {
  it('token: no request, the token is used as given and masked, and it is not ours to revoke', async () => {
    const { result, masks } = await loginWith({ method: 'token', token: 'hvs.user-token' })
    expect(result).toEqual({ token: 'hvs.user-token', loggedIn: false })
    expect(masks).toEqual(['hvs.user-token'])
    expect(t.fake.requests).toEqual([])
  })

  it('approle: role_id and secret_id, on a custom mount path', async () => {
    const { result, masks } = await loginWith({ method: 'approle', path: 'ci-approle', roleId: 'rid', secretId: 'sid-123' })
    expect(bodiesTo('auth/ci-approle/login')).toEqual([{ role_id: 'rid', secret_id: 'sid-123' }])
    expect(result).toMatchObject({ token: 'hvs.fake-client-token', loggedIn: true, info: { policies: ['default'], leaseDuration: 600 } })
    expect(masks).toEqual(['sid-123', 'hvs.fake-client-token'])
  })

  it('approle without secretId sends role_id only', async () => {
    await loginWith({ method: 'approle', roleId: 'rid' })
    expect(bodiesTo('auth/approle/login')).toEqual([{ role_id: 'rid' }])
  })

  it('github: the GitHub token', async () => {
    const { masks } = await loginWith({ method: 'github', githubToken: 'ghp_abc' })
    expect(bodiesTo('auth/github/login')).toEqual([{ token: 'ghp_abc' }])
    expect(masks).toContain('ghp_abc')
  })

  it.each(['userpass', 'ldap'])('%s: the password, with the username in the path', async (method) => {
    const { masks } = await loginWith({ method, username: 'alice', password: 'pw' })
    expect(bodiesTo(`auth/${method}/login/alice`)).toEqual([{ password: 'pw' }])
    expect(masks).toContain('pw')
  })

  it('cert: the role as "name" (the certificate itself travels in TLS)', async () => {
    await loginWith({ method: 'cert', role: 'web' })
    await loginWith({ method: 'cert' })
    expect(bodiesTo('auth/cert/login')).toEqual([{ name: 'web' }, {}])
  })

  it.each(['cert', 'oidc'])('%s with authPayload posts it as is (vault-action has no built-in %s and does the same)', async (method) => {
    await loginWith({ method, role: 'ignored', authPayload: '{"name":"web","extra":1}' })
    expect(bodiesTo(`auth/${method}/login`)).toEqual([{ name: 'web', extra: 1 }])
  })

  it('a custom method: authPayload is the body, on auth/<method>/login', async () => {
    await loginWith({ method: 'oci', authPayload: '{"role":"r","request_headers":{"a":["b"]}}' })
    expect(bodiesTo('auth/oci/login')).toEqual([{ role: 'r', request_headers: { a: ['b'] } }])
  })

  it('kubernetes: the service-account token file, re-read for every attempt, and the role', async () => {
    const file = join(dir, 'k8s-token')
    await writeFile(file, 'sa-token-1\n')
    let calls = 0
    t.fake.on('POST /v1/auth/kubernetes/login', () => {
      if (calls++ > 0) return undefined
      writeFileSync(file, 'sa-token-2')
      return { status: 500, body: { errors: ['internal error'] } }
    })
    const { masks, slept } = await loginWith({ method: 'kubernetes', role: 'app', kubernetesTokenPath: file })
    expect(bodiesTo('auth/kubernetes/login')).toEqual([
      { jwt: 'sa-token-1', role: 'app' },
      { jwt: 'sa-token-2', role: 'app' },
    ])
    expect(slept).toHaveLength(1)
    expect(masks).toEqual(expect.arrayContaining(['sa-token-1', 'sa-token-2']))
  })

  it('kubernetes: a missing token file names the input and the path', async () => {
    const missing = join(dir, 'nope')
    expect(await loginError({ method: 'kubernetes', role: 'app', kubernetesTokenPath: missing })).toBe(
      `input "kubernetesTokenPath": cannot read the service-account token at ${missing}: ENOENT`,
    )
  })
})

describe('approle with a wrapped secret_id', () => {
  const wrap = 'hvs.wrapping-token'

  it('looks the wrapping token up, checks where it was created, unwraps it once and logs in with the secret_id', async () => {
    t.fake.on('POST /v1/sys/wrapping/lookup', () => ({
      status: 200,
      body: { data: { creation_path: 'auth/approle/role/ci/secret-id', creation_ttl: 60 } },
    }))
    t.fake.on('POST /v1/sys/wrapping/unwrap', () => ({
      status: 200,
      body: { data: { secret_id: 'sid-unwrapped', secret_id_accessor: 'acc' } },
    }))
    const { masks } = await loginWith({ method: 'approle', roleId: 'rid', wrappedSecretId: wrap })
    const [lookup] = requestsTo(t.fake, 'POST', 'sys/wrapping/lookup')
    const [unwrap] = requestsTo(t.fake, 'POST', 'sys/wrapping/unwrap')
    expect(lookup?.body).toEqual({ token: wrap })
    expect(lookup?.headers['x-vault-token']).toBeUndefined()
    expect(unwrap?.headers['x-vault-token']).toBe(wrap)
    expect(bodiesTo('auth/approle/login')).toEqual([{ role_id: 'rid', secret_id: 'sid-unwrapped' }])
    expect(t.fake.requests.map((r) => r.path)).toEqual(['/v1/sys/wrapping/lookup', '/v1/sys/wrapping/unwrap', '/v1/auth/approle/login'])
    expect(masks).toEqual(expect.arrayContaining([wrap, 'sid-unwrapped']))
  })

  it('refuses to unwrap a token created elsewhere', async () => {
    t.fake.on('POST /v1/sys/wrapping/lookup', () => ({ status: 200, body: { data: { creation_path: 'secret/data/stolen' } } }))
    expect(await loginError({ method: 'approle', roleId: 'rid', wrappedSecretId: wrap })).toBe(
      'the wrapped secret_id was created at "secret/data/stolen", not at auth/approle/role/<role>/secret-id; refusing to unwrap it (it may have been tampered with)',
    )
    expect(requestsTo(t.fake, 'POST', 'sys/wrapping/unwrap')).toEqual([])
  })

  it('says when the wrapping token is already used or expired', async () => {
    t.fake.on('POST /v1/sys/wrapping/lookup', () => ({ status: 400, body: { errors: ['wrapping token is not valid or does not exist'] } }))
    expect(await loginError({ method: 'approle', roleId: 'rid', wrappedSecretId: wrap })).toBe(
      'the wrapped secret_id token is not valid (already used or expired?): wrapping token lookup (sys/wrapping/lookup): HTTP 400: wrapping token is not valid or does not exist',
    )
  })
})

describe('login errors', () => {
  it.each([
    [{ method: 'token' }, 'input "token": is required when "method" is token'],
    [{ method: 'approle' }, 'input "roleId": is required when "method" is approle'],
    [{ method: 'github' }, 'input "githubToken": is required when "method" is github'],
    [{ method: 'userpass', password: 'p' }, 'input "username": is required when "method" is userpass'],
    [{ method: 'ldap', username: 'u' }, 'input "password": is required when "method" is ldap'],
  ])('%j → %s', async (inputs, message) => {
    expect(await loginError(inputs)).toContain(message)
    expect(t.fake.requests).toEqual([])
  })

  it.each([
    [
      'approle',
      { roleId: 'r', secretId: 's' },
      400,
      'invalid role or secret ID',
      'check "roleId" and "secretId" (a secret_id expires and may be single-use).',
    ],
    ['userpass', { username: 'u', password: 'p' }, 400, 'invalid username or password', 'check "username" and "password".'],
    ['github', { githubToken: 'g' }, 400, 'user is not part of required org', 'check the credentials for this method and the mount path.'],
    [
      'cert',
      {},
      400,
      'invalid certificate or no client certificate supplied',
      'check that the client certificate ("clientCertificate"/"clientKey") is trusted by a cert role on this mount.',
    ],
    [
      'approle',
      { roleId: 'r' },
      404,
      'no handler for route "auth/approle/login". route entry not found.',
      'nothing is mounted at auth/approle: set "path" to the auth mount\'s path (and "namespace" if it lives in one).',
    ],
  ])("%s rejected with HTTP %i: Vault's message and a hint", async (method, inputs, status, vaultSays, hint) => {
    t.fake.on(/^POST \/v1\/auth\//, () => ({ status, body: { errors: [vaultSays] } }))
    const path = method === 'userpass' ? 'auth/userpass' : `auth/${method}`
    expect(await loginError({ method, ...inputs })).toBe(
      `Vault rejected the ${method} login at ${path} (HTTP ${status}): ${vaultSays}\nHint: ${hint}`,
    )
  })

  it('a login that answers without a token is an error', async () => {
    t.fake.on('POST /v1/auth/approle/login', () => ({ status: 200, body: { data: {} } }))
    expect(await loginError({ method: 'approle', roleId: 'r' })).toBe(
      'login at "auth/approle/login" succeeded but Vault returned no client token (is this an auth mount\'s login path?)',
    )
  })
})

describe('jwt with the GitHub ID token', () => {
  const githubSource =
    (audience: string | undefined, env = issuer.githubEnv()) =>
    (http: Parameters<typeof githubIdTokenSource>[0]) =>
      githubIdTokenSource(http, env, audience, () => undefined)

  it('asks for the configured audience and sends {jwt, role}', async () => {
    const { result, masks } = await loginWith(
      { method: 'jwt', role: 'deploy', jwtGithubAudience: 'https://vault.example.com' },
      githubSource('https://vault.example.com'),
    )
    expect(issuer.audiences.at(-1)).toBe('https://vault.example.com')
    const [body] = bodiesTo('auth/jwt/login') as Array<{ jwt: string; role: string }>
    expect(body?.role).toBe('deploy')
    expect(decodeJwt(body?.jwt ?? '')).toMatchObject({
      iss: issuer.issuer,
      aud: 'https://vault.example.com',
      repository: 'octo-org/octo-repo',
    })
    expect(masks).toEqual([body?.jwt, 'hvs.fake-client-token'])
    expect(result.loggedIn).toBe(true)
  })

  it("without a role, sends only the jwt (the mount's default_role applies)", async () => {
    await loginWith({ method: 'jwt' }, githubSource(undefined))
    const [body] = bodiesTo('auth/jwt/login') as Array<Record<string, unknown>>
    expect(Object.keys(body ?? {})).toEqual(['jwt'])
    expect(issuer.audiences.at(-1)).toBe('')
  })

  it('retries the login POST with a freshly minted JWT for every attempt', async () => {
    t.fake.on('POST /v1/auth/jwt/login', failing503(2))
    const before = issuer.audiences.length
    const { slept } = await loginWith({ method: 'jwt', role: 'deploy' }, githubSource('aud-1'))
    const jwts = (bodiesTo('auth/jwt/login') as Array<{ jwt: string }>).map((b) => b.jwt)
    expect(jwts).toHaveLength(3)
    expect(new Set(jwts).size).toBe(3)
    expect(issuer.audiences.length - before).toBe(3)
    expect(slept).toHaveLength(2)
  })

  it('retries the ID-token request itself on a transient failure', async () => {
    issuer.failNext(2, 503)
    const before = issuer.audiences.length
    const { slept } = await loginWith({ method: 'jwt', role: 'deploy' }, githubSource('aud-2'))
    expect(issuer.audiences.length - before).toBe(1)
    expect(bodiesTo('auth/jwt/login')).toHaveLength(1)
    expect(slept).toHaveLength(2)
  })

  it("a rejected JWT login shows Vault's error, a hint and the claims, never the token", async () => {
    t.fake.on('POST /v1/auth/jwt/login', () => ({
      status: 400,
      body: { errors: ['error validating claims: claim "environment" is missing'] },
    }))
    const msg = await loginError({ method: 'jwt', role: 'deploy' }, githubSource('aud-x'))
    const [body] = bodiesTo('auth/jwt/login') as Array<{ jwt: string }>
    expect(msg).toContain(
      'Vault rejected the JWT login at auth/jwt for role "deploy" (HTTP 400): error validating claims: claim "environment" is missing',
    )
    expect(msg).toContain('Hint: the role binds a claim this token does not have')
    expect(msg).toContain('aud: "aud-x"')
    expect(msg).toContain('sub: "repo:octo-org/octo-repo:ref:refs/heads/main"')
    expect(msg).not.toContain(body?.jwt ?? 'no jwt was sent')
    expect(requestsTo(t.fake, 'POST', 'auth/jwt/login')).toHaveLength(1)
  })

  it('without id-token permission it says to add it, before any Vault request', async () => {
    const msg = await loginError({ method: 'jwt', role: 'deploy' }, githubSource(undefined, {}))
    expect(msg).toContain('Add "permissions: id-token: write" to the job')
    expect(t.fake.requests).toEqual([])
  })

  it('a failing ID-token endpoint is reported as such, not as a rejected Vault login', async () => {
    const msg = await loginError(
      { method: 'jwt', role: 'deploy' },
      githubSource(undefined, { ...issuer.githubEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' }),
    )
    expect(msg).toContain('GitHub ID token request: HTTP 401')
    expect(msg).not.toContain('Vault rejected')
    expect(t.fake.requests).toEqual([])
  })
})

describe('jwt with jwtPrivateKey (self-signed, as vault-action)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const githubContext = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_SHA: 'abc123',
    GITHUB_ACTOR: 'octocat',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REF: 'refs/heads/main',
  }

  async function signedLogin(inputs: Record<string, string>): Promise<string> {
    const platform = await runMainStep(t.fake.url, { method: 'jwt', role: 'ci', ...inputs }, githubContext)
    expect(platform.failed).toBeUndefined()
    const [body] = bodiesTo('auth/jwt/login') as Array<{ jwt: string; role: string }>
    expect(body?.role).toBe('ci')
    expect(platform.masks).toContain(body?.jwt)
    return body?.jwt ?? ''
  }

  it('signs RS256 with iss "vault-action", the GitHub context claims and exp = now + jwtTtl', async () => {
    const jwt = await signedLogin({ jwtPrivateKey: Buffer.from(pem).toString('base64'), jwtTtl: '120' })
    const { payload, protectedHeader } = await jwtVerify(
      jwt,
      await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RS256'),
    )
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' })
    expect(payload).toMatchObject({
      iss: 'vault-action',
      event: 'push',
      workflow: 'deploy',
      sha: 'abc123',
      actor: 'octocat',
      repository: 'octo-org/octo-repo',
      ref: 'refs/heads/main',
    })
    expect(payload.exp).toBe((payload.iat ?? 0) + 120)
    expect(payload.nbf).toBe(payload.iat)
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(60)
  })

  it('carries no aud, like vault-action, even when jwtGithubAudience is set', async () => {
    const jwt = await signedLogin({ jwtPrivateKey: pem, jwtGithubAudience: 'sts.amazonaws.com' })
    expect(decodeJwt(jwt).aud).toBeUndefined()
    expect(issuer.audiences).not.toContain('sts.amazonaws.com')
  })

  it('accepts an encrypted key with jwtKeyPassword, and names the inputs when the password is wrong', async () => {
    const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }).toString()
    expect(decodeProtectedHeader(await signedLogin({ jwtPrivateKey: encrypted, jwtKeyPassword: 'pass' })).alg).toBe('RS256')
    const wrong = await runMainStep(t.fake.url, { method: 'jwt', jwtPrivateKey: encrypted, jwtKeyPassword: 'nope' })
    expect(wrong.failed).toMatch(
      /^vault-oidc-action: input "jwtPrivateKey": is not a usable PEM private key \(or "jwtKeyPassword" is wrong\)/,
    )
  })
})

function failing503(times: number) {
  let left = times
  return () => (left-- > 0 ? { status: 503, body: { errors: ['standby'] } } : undefined)
}
