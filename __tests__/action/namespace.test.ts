/**
 * What a real server cannot show about namespaces: the header itself. The built action (main, then post) against
 * the loopback fake, which answers only requests that carry X-Vault-Namespace: team-a/ci, and records every request.
 * What namespaces do is tested against real OpenBao in __tests__/integration/namespace.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeVault, type FakeRequest, type FakeVault } from '../../__fixtures__/fake-vault.js'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { expectSuccess } from '../../__fixtures__/expect.js'
import { runBundle } from '../../__fixtures__/runner.js'
import { startTogether } from '../../__fixtures__/together.js'

const NS = 'team-a/ci'
let fake: FakeVault
let issuer: OidcIssuer

beforeAll(async () => {
  ;[fake, issuer] = await startTogether([startFakeVault(), startOidcIssuer()] as const)
  const inNs = (req: FakeRequest) => req.headers['x-vault-namespace'] === NS
  const outside = { status: 404, body: { errors: ['no handler for route'] } }
  fake.on('POST /v1/auth/jwt/login', (req) =>
    inNs(req)
      ? { status: 200, body: { auth: { client_token: 'hvs.ns-token', policies: ['default', 'ci'], lease_duration: 600, renewable: true } } }
      : outside,
  )
  fake.on(/^GET \/v1\/sys\/internal\/ui\/mounts\/secret\//, (req) =>
    inNs(req) ? { status: 200, body: { data: { path: 'secret/', type: 'kv', options: { version: '2' } } } } : outside,
  )
  fake.on('GET /v1/secret/data/app/db', (req) =>
    inNs(req) ? { status: 200, body: { data: { data: { password: 'ns-pass' }, metadata: { version: 1 } } } } : outside,
  )
})

afterAll(async () => {
  await Promise.all([fake?.close(), issuer?.close()])
})

describe('namespace: the X-Vault-Namespace header (loopback fake)', () => {
  it("sends X-Vault-Namespace on every request, login and post revocation included, and reads the child namespace's secret", async () => {
    const inputs = { url: fake.url, namespace: NS, method: 'jwt', role: 'ci', secrets: 'secret/app/db password | DB_PASSWORD' }
    const main = await runBundle('main', { inputs, env: issuer.githubEnv() })
    expectSuccess(main)
    expect(main.env).toEqual({ DB_PASSWORD: 'ns-pass' })
    expectSuccess(await runBundle('post', { inputs: { url: fake.url, namespace: NS }, state: main.state }))
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`)
    expect(paths).toEqual(
      expect.arrayContaining(['POST /v1/auth/jwt/login', 'GET /v1/secret/data/app/db', 'POST /v1/auth/token/revoke-self']),
    )
    expect(fake.requests.filter((r) => r.headers['x-vault-namespace'] !== NS).map((r) => `${r.method} ${r.path}`)).toEqual([])
  })
})
