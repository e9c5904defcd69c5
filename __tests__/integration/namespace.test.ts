/**
 * Namespaces are a Vault Enterprise (and OpenBao) feature: the Vault OSS dev server the real-server tier runs on
 * has none (it answers "enterprise-only feature" to sys/namespaces and ignores X-Vault-Namespace). So this runs
 * the built action against the loopback fake, which serves a secret only inside the child namespace "team-a/ci".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeVault, type FakeRequest, type FakeVault } from '../../__fixtures__/fake-vault.js'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { startTogether } from '../../__fixtures__/together.js'
import { mainThenPost } from './helpers.js'

const NS = 'team-a/ci'
let fake: FakeVault
let issuer: OidcIssuer

beforeAll(async () => {
  ;[fake, issuer] = await startTogether([startFakeVault(), startOidcIssuer()] as const)
  const inNs = (req: FakeRequest) => req.headers['x-vault-namespace'] === NS
  const outside = { status: 404, body: { errors: ['no handler for route'] } }
  fake.on('POST /v1/auth/jwt/login', (req) => (inNs(req) ? { status: 200, body: { auth: { client_token: 'hvs.ns-token', policies: ['default', 'ci'], lease_duration: 600, renewable: true } } } : outside))
  fake.on(/^GET \/v1\/sys\/internal\/ui\/mounts\/secret\//, (req) => (inNs(req) ? { status: 200, body: { data: { path: 'secret/', type: 'kv', options: { version: '2' } } } } : outside))
  fake.on('GET /v1/secret/data/app/db', (req) => (inNs(req) ? { status: 200, body: { data: { data: { password: 'ns-pass' }, metadata: { version: 1 } } } } : outside))
})

afterAll(async () => {
  await Promise.all([fake?.close(), issuer?.close()])
})

describe('namespace (against the fake: Vault OSS has no namespaces)', () => {
  it('sends X-Vault-Namespace on every request, login and post revocation included, and reads the child namespace\'s secret', async () => {
    const inputs = { url: fake.url, namespace: NS, method: 'jwt', role: 'ci', secrets: 'secret/app/db password | DB_PASSWORD' }
    const { main } = await mainThenPost({ inputs, env: issuer.githubEnv() })
    expect(main.env).toEqual({ DB_PASSWORD: 'ns-pass' })
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`)
    expect(paths).toEqual(expect.arrayContaining(['POST /v1/auth/jwt/login', 'GET /v1/secret/data/app/db', 'POST /v1/auth/token/revoke-self']))
    expect(fake.requests.filter((r) => r.headers['x-vault-namespace'] !== NS).map((r) => `${r.method} ${r.path}`)).toEqual([])
  })
})
