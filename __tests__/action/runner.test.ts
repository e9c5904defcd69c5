/** The bundled action (dist/*.cjs) run the way a GitHub runner runs it, against the loopback fake Vault. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { startConnectProxy } from '../../__fixtures__/connect-proxy.js'
import { leaks, runBundle } from '../../__fixtures__/runner.js'
import { selfSignedCert } from '../../__fixtures__/tls-cert.js'
import { requestsTo, useFakeVault } from './helpers.js'

const t = useFakeVault()

const APP = {
  password: 'pa55-word',
  'api-key': 'key-123',
  nested: { a: { b: 'deep-value' } },
  'a.b': 'dotted-value',
  multi: 'first-line\nsecond-line',
  json: '{"k":"json-leaf"}',
  port: 5432,
  flag: true,
}
const AWS = { access_key: 'AKIAEXAMPLE', secret_key: 'aws-secret-value' }
const LEGACY = { user: 'legacy-user' }

function seed(): void {
  t.fake.kv2('secret', 'app', APP)
  t.fake.kv2('secret', 'aws', AWS)
  t.fake.kv1('kv', 'legacy', LEGACY)
}

const SECRETS = [
  'secret/app password | DB_PASSWORD',
  'secret/app "api-key" ; secret/app nested.a.b',
  'secret/app `a.b`',
  'secret/data/app multi',
  'secret/app json | JSON_BLOB',
  'secret/app port; secret/app flag',
  'kv/legacy user',
  'secret/aws *',
  'secret/aws ** | aws_',
].join('\n')

const VALUES = [
  'pa55-word',
  'key-123',
  'deep-value',
  'dotted-value',
  'first-line\nsecond-line',
  '{"k":"json-leaf"}',
  'legacy-user',
  'AKIAEXAMPLE',
  'aws-secret-value',
  'hvs.user-token',
]

describe('main step', () => {
  it('exports env vars and outputs, masked, for the whole secrets syntax; the summary has names and paths only', async () => {
    seed()
    const r = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.user-token', secrets: SECRETS } })
    expect(r.code).toBe(0)
    expect(r.env).toEqual({
      DB_PASSWORD: 'pa55-word',
      APIKEY: 'key-123',
      NESTED__A__B: 'deep-value',
      A__B: 'dotted-value',
      MULTI: 'first-line\nsecond-line',
      JSON_BLOB: '{"k":"json-leaf"}',
      PORT: '5432',
      FLAG: 'true',
      USER: 'legacy-user',
      ACCESS_KEY: 'AKIAEXAMPLE',
      SECRET_KEY: 'aws-secret-value',
      aws_access_key: 'AKIAEXAMPLE',
      aws_secret_key: 'aws-secret-value',
    })
    expect(r.outputs).toEqual({
      DB_PASSWORD: 'pa55-word',
      apikey: 'key-123',
      nested__a__b: 'deep-value',
      a__b: 'dotted-value',
      multi: 'first-line\nsecond-line',
      JSON_BLOB: '{"k":"json-leaf"}',
      port: '5432',
      flag: 'true',
      user: 'legacy-user',
      access_key: 'AKIAEXAMPLE',
      secret_key: 'aws-secret-value',
      aws_access_key: 'AKIAEXAMPLE',
      aws_secret_key: 'aws-secret-value',
    })
    expect(r.masks).toEqual(
      expect.arrayContaining([...VALUES, 'first-line', 'second-line', 'json-leaf', '{\\"k\\":\\"json-leaf\\"}', '5432']),
    )
    expect(leaks(r.log + r.stderr + r.summary, VALUES)).toEqual([])
    expect(r.log).toContain('::warning::secrets entry 2: "api-key" is exported as APIKEY')
    for (const name of ['DB_PASSWORD', 'NESTED__A__B', 'aws_secret_key', 'secret/data/app', 'secret/data/aws', 'kv/legacy'])
      expect(r.summary).toContain(`\`${name}\``)
    // one mount lookup per mount, one read per distinct path
    expect(
      t.fake.requests
        .filter((q) => q.method === 'GET')
        .map((q) => q.path)
        .sort(),
    ).toEqual([
      '/v1/kv/legacy',
      '/v1/secret/data/app',
      '/v1/secret/data/aws',
      '/v1/sys/internal/ui/mounts/kv/legacy',
      '/v1/sys/internal/ui/mounts/secret/app',
    ])
  })

  it('exportToken and outputToken export the Vault token, masked', async () => {
    const r = await runBundle('main', {
      inputs: { url: t.fake.url, method: 'approle', roleId: 'rid', exportToken: 'true', outputToken: 'true' },
    })
    expect(r.code).toBe(0)
    expect(r.env).toEqual({ VAULT_TOKEN: 'hvs.fake-client-token' })
    expect(r.outputs).toEqual({ vault_token: 'hvs.fake-client-token' })
    expect(r.masks).toContain('hvs.fake-client-token')
    expect(leaks(r.log + r.summary, ['hvs.fake-client-token'])).toEqual([])
  })

  it('exportEnv false: no env vars, the outputs are still set', async () => {
    seed()
    const r = await runBundle('main', {
      inputs: { url: t.fake.url, token: 'hvs.t', secrets: 'secret/app password | DB_PASSWORD; secret/aws **', exportEnv: 'false' },
    })
    expect(r.code).toBe(0)
    expect(r.env).toEqual({})
    expect(r.outputs).toEqual({ DB_PASSWORD: 'pa55-word', access_key: 'AKIAEXAMPLE', secret_key: 'aws-secret-value' })
    expect(r.masks).toEqual(expect.arrayContaining(['pa55-word', 'AKIAEXAMPLE', 'aws-secret-value']))
  })

  it('reads 50 paths in parallel, each once, and exports nothing when one is missing', async () => {
    for (let i = 0; i < 50; i++) t.fake.kv2('secret', `app/s${i}`, { value: `v${i}` })
    t.fake.delayMs = 50
    const secrets = Array.from({ length: 50 }, (_, i) => `secret/app/s${i} value | S${i}`).join('\n')
    const ok = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.t', secrets } })
    expect(ok.code).toBe(0)
    expect(Object.keys(ok.env)).toHaveLength(50)
    expect(t.fake.peakInFlight).toBeGreaterThan(10)
    expect(t.fake.requests.filter((r) => r.path.startsWith('/v1/secret/data/'))).toHaveLength(50)
    // stdout is batched per event-loop turn: every line still arrives, in order, masks before the final report
    const lines = ok.stdout.split('\n')
    expect(lines.filter((l) => l.startsWith('::debug::read "secret/data/app/s'))).toHaveLength(50)
    const lastMask = lines.map((l) => l.startsWith('::add-mask::')).lastIndexOf(true)
    expect(lines.slice(lastMask + 1)).toContain('exported 50 environment variable(s) and 50 output(s) from 50 source(s)')
    expect(new Set(ok.masks)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `v${i}`).concat('hvs.t')))

    const bad = await runBundle('main', {
      inputs: { url: t.fake.url, token: 'hvs.t', secrets: `${secrets}\nsecret/app/missing value | M` },
    })
    expect(bad.code).toBe(1)
    expect(bad.env).toEqual({})
    expect(bad.outputs).toEqual({ errorMessage: expect.stringContaining('secret/data/app/missing') })
    expect(bad.log).toMatch(
      /^::error::vault-oidc-action: secrets entry 51 \("secret\/app\/missing value"\): no secret at "secret\/data\/app\/missing"/m,
    )
  })

  it('ignoreNotFound: a missing path is a warning and the rest is exported', async () => {
    seed()
    const r = await runBundle('main', {
      inputs: { url: t.fake.url, token: 'hvs.t', secrets: 'secret/gone x | X\nsecret/app password | P', ignoreNotFound: 'true' },
    })
    expect(r.code).toBe(0)
    expect(r.env).toEqual({ P: 'pa55-word' })
    expect(r.log).toMatch(
      /^::warning::secrets entry 1 \("secret\/gone x"\): no secret at "secret\/data\/gone".*\(skipped: ignoreNotFound is true\)$/m,
    )
  })

  it('pki: issues the certificate once and exports <role>_cert/_key/_ca/_ca_chain, env upper-cased, masked', async () => {
    const cert = {
      certificate: '-----BEGIN CERTIFICATE-----\nCERTBODY\n-----END CERTIFICATE-----',
      private_key: '-----BEGIN RSA PRIVATE KEY-----\nKEYBODY\n-----END RSA PRIVATE KEY-----',
      issuing_ca: 'CA-PEM',
      ca_chain: ['CHAIN-1', 'CHAIN-2'],
      serial_number: '1a:2b',
    }
    t.fake.on('POST /v1/pki/issue/my-role', () => ({ status: 200, body: { data: cert } }))
    const r = await runBundle('main', {
      inputs: { url: t.fake.url, token: 'hvs.t', pki: 'pki/issue/my-role {"common_name":"app.example.com","ttl":"1h"}' },
    })
    expect(r.code).toBe(0)
    expect(requestsTo(t.fake, 'POST', 'pki/issue/my-role').map((q) => q.body)).toEqual([{ common_name: 'app.example.com', ttl: '1h' }])
    expect(r.outputs).toEqual({
      myrole_cert: cert.certificate,
      myrole_key: cert.private_key,
      myrole_ca: 'CA-PEM',
      myrole_ca_chain: 'CHAIN-1\nCHAIN-2',
    })
    expect(r.env).toEqual({
      MYROLE_CERT: cert.certificate,
      MYROLE_KEY: cert.private_key,
      MYROLE_CA: 'CA-PEM',
      MYROLE_CA_CHAIN: 'CHAIN-1\nCHAIN-2',
    })
    expect(r.masks).toEqual(
      expect.arrayContaining([cert.certificate, cert.private_key, 'KEYBODY', 'CERTBODY', 'CA-PEM', 'CHAIN-1', 'CHAIN-2']),
    )
    expect(r.log).toContain('issued a certificate at "pki/issue/my-role" (serial 1a:2b)')
    expect(leaks(r.log + r.summary, ['KEYBODY', 'CERTBODY'])).toEqual([])
  })
})

describe('post step', () => {
  const login = { method: 'approle', roleId: 'rid', secretId: 'sid' }

  it('revokes the token the main step obtained, with the token from the state', async () => {
    const main = await runBundle('main', { inputs: { url: t.fake.url, ...login } })
    expect(main.state).toEqual({ vaultToken: 'hvs.fake-client-token' })
    const post = await runBundle('post', { inputs: { url: t.fake.url, ...login }, state: main.state })
    expect(post.code).toBe(0)
    const revokes = requestsTo(t.fake, 'POST', 'auth/token/revoke-self')
    expect(revokes.map((q) => q.headers['x-vault-token'])).toEqual(['hvs.fake-client-token'])
    expect(post.log).toContain('revoked the Vault token')
    expect(post.masks).toContain('hvs.fake-client-token')
  })

  it('a failing revoke is a warning, and the step still succeeds', async () => {
    t.fake.on('POST /v1/auth/token/revoke-self', () => ({ status: 500, body: { errors: ['internal error'] } }))
    const post = await runBundle('post', {
      inputs: { url: t.fake.url, ...login, retries: '0' },
      state: { vaultToken: 'hvs.fake-client-token' },
    })
    expect(post.code).toBe(0)
    expect(post.log).toContain(
      '::warning::could not revoke the Vault token: token revocation (auth/token/revoke-self): HTTP 500: internal error',
    )
  })

  it('an unreachable Vault is a warning, and the step still succeeds', async () => {
    const post = await runBundle('post', { inputs: { url: 'http://127.0.0.1:1', retries: '0' }, state: { vaultToken: 'hvs.x' } })
    expect(post.code).toBe(0)
    expect(post.log).toMatch(/^::warning::could not revoke the Vault token: .*ECONNREFUSED/m)
  })

  it("method token: the user's own token is not revoked", async () => {
    const main = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.user-token' } })
    expect(main.state).toEqual({})
    const post = await runBundle('post', { inputs: { url: t.fake.url, token: 'hvs.user-token' }, state: main.state })
    expect(post.code).toBe(0)
    expect(post.log).toContain('nothing to revoke')
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self')).toEqual([])
  })
})

describe('a plain-http Vault behind a proxy', () => {
  // loopback is never proxied, so the fake is addressed by the machine's name; the proxy forwards to 127.0.0.1
  const vaultUrl = () => t.fake.url.replace('127.0.0.1', hostname())

  it.each(['http', 'https'])('%s:// proxy in HTTP_PROXY: every request is forwarded with the credentials decoded once', async (scheme) => {
    t.fake.kv2('secret', 'app', { password: 'via-proxy' })
    const cert = selfSignedCert()
    const proxy = await startConnectProxy(scheme === 'https' ? { tls: cert } : {})
    const dir = mkdtempSync(join(tmpdir(), 'vault-oidc-proxy-ca-'))
    try {
      writeFileSync(join(dir, 'ca.pem'), cert.cert)
      const proxyUrl = proxy.url.replace('://', '://ci%40corp:p%2541ss@')
      const r = await runBundle('main', {
        inputs: { url: vaultUrl(), token: 'hvs.t', secrets: 'secret/app password' },
        env: { HTTP_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') },
      })
      expect([r.code, r.env, r.outputs.errorMessage]).toEqual([0, { PASSWORD: 'via-proxy' }, undefined])
      expect(proxy.forwarded).toEqual([`${vaultUrl()}/v1/sys/internal/ui/mounts/secret/app`, `${vaultUrl()}/v1/secret/data/app`])
      expect(new Set(proxy.authorizations)).toEqual(new Set([`Basic ${Buffer.from('ci@corp:p%41ss').toString('base64')}`]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await proxy.close()
    }
  })

  it('an https:// proxy whose certificate is not trusted: the error names the proxy and the fix, nothing is exported', async () => {
    t.fake.kv2('secret', 'app', { password: 'via-proxy' })
    const proxy = await startConnectProxy({ tls: selfSignedCert() })
    try {
      const r = await runBundle('main', {
        inputs: { url: vaultUrl(), token: 'hvs.t', secrets: 'secret/app password', retries: '0' },
        env: { HTTP_PROXY: proxy.url },
      })
      expect([r.code, r.env]).toEqual([1, {}])
      expect(r.outputs.errorMessage).toContain(`cannot reach proxy ${new URL(proxy.url).host}: `)
      expect(r.outputs.errorMessage).toContain('add its CA to NODE_EXTRA_CA_CERTS')
      expect(proxy.forwarded).toEqual([])
    } finally {
      await proxy.close()
    }
  })
})
