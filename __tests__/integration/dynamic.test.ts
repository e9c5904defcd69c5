/**
 * Secrets with leases: PKI certificates and database credentials from the machine's PostgreSQL. The job gets
 * credentials that really work; the post step revokes the leases (and the token), and the PostgreSQL role is gone.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestDatabase, PG, passwordMatches, psql, type TestDatabase } from '../../__fixtures__/postgres.js'
import { runBundle, type RunnerResult } from '../../__fixtures__/runner.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { expectSuccess, tokenIsValid, writePolicy } from './helpers.js'

let vault: VaultServer
let db: TestDatabase
const rolePrefix = `v-it${Math.random().toString(36).slice(2, 8)}-`

beforeAll(async () => {
  ;[vault, db] = await startTogether([startVaultServer(), createTestDatabase()] as const)
  await writePolicy(vault, 'dynamic', { 'database/creds/readonly': ['read'], 'pki/issue/web': ['update'] })
  await writePolicy(vault, 'lease-revoke', { 'sys/leases/revoke': ['update'] })
  await vault.api('POST', 'sys/auth/userpass', { type: 'userpass' })
  await vault.api('POST', 'auth/userpass/users/with-revoke', { password: 'pw-with', token_policies: ['dynamic', 'lease-revoke'] })
  await vault.api('POST', 'auth/userpass/users/without-revoke', { password: 'pw-without', token_policies: ['dynamic'] })

  await vault.api('POST', 'sys/mounts/database', { type: 'database' })
  await vault.api('POST', 'database/config/pg', {
    plugin_name: 'postgresql-database-plugin',
    allowed_roles: ['readonly'],
    connection_url: `postgresql://{{username}}:{{password}}@${PG.host}:${PG.port}/${db.name}?sslmode=disable`,
    username: PG.admin,
    password: 'unused-with-trust-auth',
    username_template: `${rolePrefix}{{random 12}}`,
  })
  await vault.api('POST', 'database/roles/readonly', {
    db_name: 'pg',
    default_ttl: '10m',
    max_ttl: '1h',
    creation_statements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`],
  })

  await vault.api('POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '24h' } })
  await vault.api('POST', 'pki/root/generate/internal', { common_name: 'Test Root', ttl: '24h' })
  await vault.api('POST', 'pki/roles/web', {
    allowed_domains: ['example.test'],
    allow_subdomains: true,
    max_ttl: '1h',
    generate_lease: true,
  })
})

afterAll(async () => {
  await vault?.stop()
  await db?.drop(rolePrefix)
})

const login = (user: 'with-revoke' | 'without-revoke') => ({
  url: vault.addr,
  method: 'userpass',
  username: user,
  password: user === 'with-revoke' ? 'pw-with' : 'pw-without',
})
const dbSecrets = 'database/creds/readonly username | PGUSER ; database/creds/readonly password | PGPASSWORD'

async function runMain(inputs: Record<string, string>): Promise<RunnerResult> {
  const main = await runBundle('main', { inputs })
  expectSuccess(main)
  return main
}

async function runPost(main: RunnerResult): Promise<RunnerResult> {
  const post = await runBundle('post', { inputs: { url: vault.addr }, state: main.state })
  expectSuccess(post)
  return post
}

/** The lease is gone from Vault's view (root lookup answers 400 "invalid lease"). */
async function leaseExists(leaseId: string): Promise<boolean> {
  return (await vault.api('PUT', 'sys/leases/lookup', { lease_id: leaseId }, { allow: [400] })).status === 200
}

async function untilNoRoles(deadlineMs: number): Promise<string[]> {
  const end = Date.now() + deadlineMs
  for (;;) {
    const left = await db.roles(rolePrefix)
    if (left.length === 0 || Date.now() > end) return left
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe(`${SERVER}: database secrets engine (PostgreSQL)`, () => {
  it('exports credentials that log in to PostgreSQL; post revokes the lease explicitly and the role is dropped at once', async () => {
    const main = await runMain({ ...login('with-revoke'), secrets: dbSecrets })
    const { PGUSER: user = '', PGPASSWORD: password = '' } = main.env
    expect(user.startsWith(rolePrefix)).toBe(true)
    expect(main.masks).toEqual(expect.arrayContaining([user, password]))
    expect(await psql('SELECT current_user', { user, password, db: db.name })).toBe(user)
    expect(await passwordMatches(user, password)).toBe(true)
    const leases = JSON.parse(main.state.vaultLeases ?? '[]') as string[]
    expect(leases).toEqual([expect.stringMatching(/^database\/creds\/readonly\//)])
    expect(main.summary).toContain('1 lease(s) obtained')

    const post = await runPost(main)

    expect(post.log).toContain('revoked 1/1 lease(s) explicitly')
    expect(await db.roles(rolePrefix)).toEqual([])
    expect(await leaseExists(leases[0] ?? '')).toBe(false)
    expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)
  })

  it('without sys/leases/revoke in the policy, revoking the token still revokes the lease (Vault does it in the background)', async () => {
    const main = await runMain({ ...login('without-revoke'), secrets: dbSecrets })
    const user = main.env.PGUSER ?? ''
    expect(await psql('SELECT current_user', { user, password: main.env.PGPASSWORD ?? '', db: db.name })).toBe(user)
    const leases = JSON.parse(main.state.vaultLeases ?? '[]') as string[]
    const post = await runPost(main)
    expect(post.log).toContain('revoked the Vault token; revoked 0/1 lease(s) explicitly')
    expect(post.stdout).not.toContain('::warning::')
    expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)
    expect(await untilNoRoles(20_000)).toEqual([])
    expect(await leaseExists(leases[0] ?? '')).toBe(false)
  })
})

describe(`${SERVER}: PKI`, () => {
  it('the pki input issues a certificate: <role>_cert/_key/_ca/_ca_chain, masked key, lease revoked by post', async () => {
    const pki = 'pki/issue/web {"common_name":"app.example.test","ttl":"10m"}'
    const main = await runMain({ ...login('with-revoke'), pki })
    const { web_cert: cert = '', web_key: key = '', web_ca: ca = '', web_ca_chain: chain = '' } = main.outputs
    expect(Object.keys(main.env).sort()).toEqual(['WEB_CA', 'WEB_CA_CHAIN', 'WEB_CERT', 'WEB_KEY'])
    const x509 = new X509Certificate(cert)
    expect(x509.subject).toBe('CN=app.example.test')
    expect(x509.checkIssued(new X509Certificate(ca))).toBe(true)
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true)
    expect(chain).toContain('-----BEGIN CERTIFICATE-----')
    expect(main.masks).toContain(key)
    expect(main.log).not.toContain('PRIVATE KEY')

    const serial = x509.serialNumber.toLowerCase().replace(/(..)(?!$)/g, '$1:')
    const revokedSerials = async () =>
      (await vault.api<{ data?: { keys?: string[] } }>('LIST', 'pki/certs/revoked', undefined, { allow: [404] })).body?.data?.keys ?? []
    expect(await revokedSerials()).not.toContain(serial)
    const post = await runPost(main)
    expect(post.log).toContain('revoked 1/1 lease(s) explicitly')
    expect(await revokedSerials()).toContain(serial)
  })
})
