import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { runCli } from '../../src/cli/main.js'
import { expectPlatformFailure } from '../../__fixtures__/expect.js'
import { requestsTo, runMainStep, useFakeVault } from './helpers.js'

const t = useFakeVault()
let issuer: OidcIssuer
beforeAll(async () => {
  issuer = await startOidcIssuer()
})
afterAll(async () => {
  await issuer.close()
})

describe('atomic export', () => {
  it('with one failing entry nothing is exported; errorMessage and the failure name the entry', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-a', b: 'value-b' })
    const p = await runMainStep(t.fake.url, {
      token: 'hvs.t',
      secrets: 'secret/app a; secret/app b; secret/app c',
      outputToken: 'true',
      exportToken: 'true',
    })
    const message = expectPlatformFailure(p)
    expect(message).toBe('secrets entry 3 ("secret/app c"): no value for "c" (keys there: a, b)')
    expect(p.env).toEqual({})
    expect(Object.keys(p.outputs)).toEqual(['errorMessage'])
    expect(p.summary).toBe('')
  })

  it('a failing PKI issue exports nothing either', async () => {
    t.fake.on('POST /v1/pki/issue/web', () => ({ status: 400, body: { errors: ['common name not allowed by this role'] } }))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', pki: 'pki/issue/web {"common_name":"x.example.com"}', outputToken: 'true' })
    expect(expectPlatformFailure(p)).toBe('write "pki/issue/web": HTTP 400: common name not allowed by this role')
    expect(Object.keys(p.outputs)).toEqual(['errorMessage'])
  })

  it.each([
    ['a bad input', () => ({ url: 'not a url' }), /^input "url": is not a valid URL/],
    [
      'an unreachable server',
      () => ({ url: 'http://127.0.0.1:1', token: 'hvs.t', secrets: 'secret/app a', retries: '0' }),
      /cannot reach 127\.0\.0\.1:1: ECONNREFUSED \(is Vault running and is "url" right\?\)/,
    ],
    [
      'a rejected login',
      () => ({ method: 'approle', roleId: 'r', retries: '0' }),
      /^Vault rejected the approle login at auth\/approle \(HTTP 400\): invalid role ID/,
    ],
    ['a secrets syntax error', () => ({ token: 'hvs.t', secrets: 'secret/app' }), /^input "secrets": entry 1/],
  ])('%s fails with the one prefix', async (_what, inputs, expected) => {
    t.fake.on('POST /v1/auth/approle/login', () => ({ status: 400, body: { errors: ['invalid role ID'] } }))
    expect(expectPlatformFailure(await runMainStep(t.fake.url, inputs()))).toMatch(expected)
  })
})

describe('no state shared between runs in one process', () => {
  it("after a CLI run, the action still names its inputs, not the CLI's flags", async () => {
    let stderr = ''
    const argv = ['--url', 'http://127.0.0.1:1', '--token', 'hvs.t', '--secrets', 'secret/app a', '--retries', '0', '--output', '-']
    const code = await runCli({
      argv,
      env: {},
      stdout: () => undefined,
      stderr: (text) => void (stderr += text),
      readStdin: async () => '',
      version: 'test',
    })
    expect(code).toBe(1)
    expect(stderr).toContain('(is Vault running and is "--url" right?)')
    const p = await runMainStep(t.fake.url, { url: 'http://127.0.0.1:1', token: 'hvs.t', secrets: 'secret/app a', retries: '0' })
    expect(expectPlatformFailure(p)).toMatch(/ECONNREFUSED \(is Vault running and is "url" right\?\)/)
  })
})

describe('a successful run', () => {
  it('masks every value before anything is exported or output', async () => {
    t.fake.kv2('secret', 'app', { pem: '-----BEGIN KEY-----\nAAAA\n-----END KEY-----', json: '{"user":"u1","pass":"p\\"1"}', plain: 'v' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *', outputToken: 'true' })
    expect(p.failed).toBeUndefined()
    const firstExport = p.events.findIndex((e) => e.kind === 'env' || e.kind === 'output')
    const maskedBefore = new Set(
      p.events
        .slice(0, firstExport)
        .filter((e) => e.kind === 'mask')
        .map((e) => e.value),
    )
    for (const e of p.events.filter((e) => e.kind === 'env' || e.kind === 'output'))
      expect([e.name, maskedBefore.has(e.value)]).toEqual([e.name, true])
    for (const piece of ['AAAA', '-----BEGIN KEY-----', 'v', 'hvs.t']) expect(maskedBefore.has(piece)).toBe(true)
    // JSON leaves under 4 characters would hide those words in every later line: the whole value is masked instead
    for (const piece of ['u1', 'p"1']) expect(maskedBefore.has(piece)).toBe(false)
    expect(p.env).toEqual({ PEM: '-----BEGIN KEY-----\nAAAA\n-----END KEY-----', JSON: '{"user":"u1","pass":"p\\"1"}', PLAIN: 'v' })
  })

  it('sends the namespace and the extra headers with every request, login included', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    const p = await runMainStep(t.fake.url, {
      method: 'approle',
      roleId: 'rid',
      secretId: 'sid',
      namespace: 'team-a',
      extraHeaders: 'X-Team: blue\nX-Team: green',
      secrets: 'secret/app a',
    })
    expect(p.failed).toBeUndefined()
    expect(t.fake.requests.map((r) => r.path)).toEqual([
      '/v1/auth/approle/login',
      '/v1/sys/internal/ui/mounts/secret/app',
      '/v1/secret/data/app',
    ])
    for (const r of t.fake.requests)
      expect([r.path, r.headers['x-vault-namespace'], r.headers['x-team']]).toEqual([r.path, 'team-a', 'blue, green'])
    expect(t.fake.requests.slice(1).every((r) => r.headers['x-vault-token'] === 'hvs.fake-client-token')).toBe(true)
  })

  it('jwt: asks GitHub for the audience, masks the ID token and the Vault token, and saves the token for the post step', async () => {
    const p = await runMainStep(
      t.fake.url,
      { method: 'jwt', role: 'deploy', jwtGithubAudience: 'https://vault.example.com' },
      issuer.githubEnv(),
    )
    expect(p.failed).toBeUndefined()
    expect(issuer.audiences.at(-1)).toBe('https://vault.example.com')
    const jwt = (t.fake.requests[0]?.body as { jwt: string }).jwt
    expect(p.masks).toEqual(expect.arrayContaining([jwt, 'hvs.fake-client-token']))
    expect(p.state).toEqual({ vaultToken: 'hvs.fake-client-token' })
    expect(t.fake.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('saves no token when the user gave it (method token) or when revokeToken is false', async () => {
    expect((await runMainStep(t.fake.url, { token: 'hvs.user' })).state).toEqual({})
    expect((await runMainStep(t.fake.url, { method: 'approle', roleId: 'r', revokeToken: 'false' })).state).toEqual({})
  })

  it('saves the leases of dynamic secrets for the post step', async () => {
    t.fake.on('GET /v1/database/creds/ro', () => ({
      status: 200,
      body: { lease_id: 'database/creds/ro/l1', lease_duration: 60, data: { username: 'u', password: 'p' } },
    }))
    const p = await runMainStep(t.fake.url, {
      method: 'approle',
      roleId: 'r',
      secrets: 'database/creds/ro username; database/creds/ro password',
    })
    expect(JSON.parse(p.state.vaultLeases ?? '[]')).toEqual(['database/creds/ro/l1'])
    expect(p.summary).toContain('1 lease(s) obtained; they are revoked at the end of the job.')
  })

  it("revokeToken false keeps the leases as well, with the user's own token too, and the summary says so", async () => {
    t.fake.on('GET /v1/database/creds/ro', () => ({
      status: 200,
      body: { lease_id: 'database/creds/ro/l1', lease_duration: 60, data: { username: 'u', password: 'p' } },
    }))
    const p = await runMainStep(t.fake.url, { token: 'hvs.user', revokeToken: 'false', secrets: 'database/creds/ro username' })
    expect(p.failed).toBeUndefined()
    expect(p.state).toEqual({})
    expect(p.summary).toContain('1 lease(s) obtained; kept after the job (revokeToken: false): they expire with their TTL.')
  })

  it('warns when vault-action naming drops characters, and when two entries export the same name', async () => {
    t.fake.kv2('secret', 'app', { 'api-key': 'k', apikey: 'k2' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app "api-key"\nsecret/app apikey' })
    expect(p.env).toEqual({ APIKEY: 'k2' })
    expect(p.lines('warning')).toEqual([
      'secrets entry 1: "api-key" is exported as APIKEY: vault-action\'s naming drops "-". Add "| NAME" to choose the name yourself.',
      'APIKEY is exported twice (from secret/data/app and secret/data/app); the later value wins',
    ])
  })

  it('with exportEnv false the naming warning speaks of the output', async () => {
    t.fake.kv2('secret', 'app', { 'api-key': 'k' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app "api-key"', exportEnv: 'false' })
    expect(p.outputs).toEqual({ apikey: 'k' })
    expect(p.lines('warning')).toEqual([
      'secrets entry 1: "api-key" is output as apikey: vault-action\'s naming drops "-". Add "| NAME" to choose the name yourself.',
    ])
  })

  it('reads with at most "concurrency" requests in flight', async () => {
    for (let i = 0; i < 12; i++) t.fake.kv2(`m${i}`, 'app', { v: `value-${i}` })
    t.fake.delayMs = 20
    const p = await runMainStep(t.fake.url, {
      token: 'hvs.t',
      concurrency: '4',
      secrets: Array.from({ length: 12 }, (_, i) => `m${i}/app v | V${i}`).join('\n'),
    })
    expect(Object.keys(p.env)).toHaveLength(12)
    expect(t.fake.peakInFlight).toBe(4)
  })

  it('logs in only when neither secrets nor pki is given', async () => {
    const p = await runMainStep(t.fake.url, { method: 'userpass', username: 'u', password: 'p', outputToken: 'true' })
    expect(p.failed).toBeUndefined()
    expect(t.fake.requests.map((r) => r.path)).toEqual(['/v1/auth/userpass/login/u'])
    expect(p.outputs).toEqual({ vault_token: 'hvs.fake-client-token' })
  })
})

describe('values no environment can carry', () => {
  it('a NUL byte (e.g. binary decoded by secretEncodingType) fails the step naming the variable, never the value', async () => {
    t.fake.kv2('secret', 'bin', { blob: Buffer.from('A\0B-secret-tail').toString('base64'), ok: 'fine' })
    const p = await runMainStep(t.fake.url, {
      token: 'hvs.t',
      secrets: 'secret/bin blob | BLOB; secret/bin ok | OK',
      secretEncodingType: 'base64',
    })
    expect(expectPlatformFailure(p)).toBe(
      'BLOB (from secret/data/bin): the value holds a NUL byte, which an environment variable or output cannot carry. Keep it encoded (e.g. base64, without secretEncodingType) and decode it where it is used.',
    )
    expect(p.env).toEqual({})
    // masked as soon as it was read (a mask is not a print); never in a log line, output or the failure
    expect(JSON.stringify(p.events.filter((e) => e.kind !== 'mask'))).not.toContain('secret-tail')
  })
})

describe('check: true', () => {
  const capabilities = (caps: Record<string, string[]>) => () => ({ status: 200, body: { ...caps, data: caps } })

  it('a given token that may not look itself up still gets its table; policies and TTL are reported unknown', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    t.fake.on('POST /v1/sys/capabilities-self', capabilities({ 'secret/data/app': ['read'] }))
    t.fake.on('GET /v1/auth/token/lookup-self', () => ({ status: 403, body: { errors: ['permission denied'] } }))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', check: 'true', secrets: 'secret/app a' })
    expect(p.failed).toBeUndefined()
    expect(p.summary).toContain('secret/app  ok       read  (reads secret/data/app)')
    expect(p.summary).toContain('token policies and ttl: unknown (the token may not look itself up)')
    expect(p.env).toEqual({})
  })

  it('takes policies and TTL from the login, needs "update" for a PKI issue, and revokes its token even when the check fails', async () => {
    t.fake.on('POST /v1/sys/capabilities-self', capabilities({ 'pki/issue/web': ['create'], 'pki/issue/api': ['update'] }))
    const p = await runMainStep(t.fake.url, {
      method: 'approle',
      roleId: 'r',
      check: 'true',
      pki: 'pki/issue/web {"common_name":"a"}; pki/issue/api {"common_name":"b"}',
    })
    expect(p.summary).toMatch(/pki\/issue\/web +denied +create/)
    expect(p.summary).toMatch(/pki\/issue\/api +ok +update/)
    expect(p.summary).toContain('token policies: default; ttl: 600s')
    expect(requestsTo(t.fake, 'GET', 'auth/token/lookup-self')).toEqual([])
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self')).toHaveLength(1)

    t.fake.requests.length = 0
    t.fake.on('POST /v1/sys/capabilities-self', () => ({ status: 400, body: { errors: ['bad request'] } }))
    const failed = await runMainStep(t.fake.url, { method: 'approle', roleId: 'r', check: 'true', secrets: 'kv/x a' })
    expect(failed.failed).toContain('capability check (sys/capabilities-self): HTTP 400: bad request')
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self')).toHaveLength(1)
  })
})
