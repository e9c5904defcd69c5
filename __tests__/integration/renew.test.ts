/**
 * exec keeps the token and the leases alive while its command runs: PostgreSQL credentials with a 4-second TTL
 * (and a login token with a 5-second TTL) still log in after three times that; a lease capped by its max TTL is
 * reported; when the command exits everything is revoked and the PostgreSQL roles are gone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestDatabase, PG, type TestDatabase } from '../../__fixtures__/postgres.js'
import { startVaultServer, type VaultServer, SERVER } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { runBundleCli } from '../cli/helpers.js'
import { writePolicy } from './helpers.js'

let vault: VaultServer
let db: TestDatabase
const rolePrefix = `v-rn${Math.random().toString(36).slice(2, 8)}-`

beforeAll(async () => {
  ;[vault, db] = await startTogether([startVaultServer(), createTestDatabase()] as const)
  await writePolicy(vault, 'db', { 'database/creds/*': ['read'] })
  await vault.api('POST', 'sys/auth/userpass', { type: 'userpass' })
  // a short token TTL: without renewal the token, and with it every lease, would be gone within seconds
  await vault.api('POST', 'auth/userpass/users/job', { password: 'pw', token_policies: ['db'], token_ttl: '5s', token_max_ttl: '1h' })
  await vault.api('POST', 'sys/mounts/database', { type: 'database' })
  await vault.api('POST', 'database/config/pg', {
    plugin_name: 'postgresql-database-plugin',
    allowed_roles: ['short', 'capped'],
    connection_url: `postgresql://{{username}}:{{password}}@${PG.host}:${PG.port}/${db.name}?sslmode=disable`,
    username: PG.admin,
    password: 'unused-with-trust-auth',
    username_template: `${rolePrefix}{{.RoleName}}-{{random 8}}`,
  })
  const creation = [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`]
  await vault.api('POST', 'database/roles/short', { db_name: 'pg', default_ttl: '4s', max_ttl: '1h', creation_statements: creation })
  await vault.api('POST', 'database/roles/capped', { db_name: 'pg', default_ttl: '3s', max_ttl: '6s', creation_statements: creation })
})

afterAll(async () => {
  await vault?.stop()
  await db?.drop(rolePrefix)
})

describe(`${SERVER}: exec renews the token and the leases while the command runs`, () => {
  it('4-second credentials still log in after 14 s; the capped lease is reported; after exec the roles are gone', async () => {
    const secrets =
      'database/creds/short username | PGUSER; database/creds/short password | PGPASSWORD; database/creds/capped username | CAPPED_USER'
    // the role must still exist (trust auth checks no password) and VALID UNTIL must have moved past the original 4 s
    const script = `sleep 14 && psql -X -h ${PG.host} -p ${PG.port} -d ${db.name} -v ON_ERROR_STOP=1 -tAc "SELECT current_user || ' ' || (rolvaliduntil > now()) FROM pg_roles WHERE rolname = current_user"`
    const run = await runBundleCli(['exec', '--method', 'userpass', '--username', 'job', '--secrets', secrets, '--', 'sh', '-c', script], {
      VAULT_ADDR: vault.addr,
      VAULT_PASSWORD: 'pw',
    })
    expect(run.stderr).not.toContain('error')
    expect(run.code).toBe(0)
    const [user, validLater] = run.stdout.trim().split(' ')
    expect(user).toMatch(new RegExp(`^${rolePrefix}short-`))
    expect(validLater).toBe('true')
    expect(run.stderr).toMatch(/renewed the Vault token: TTL \d+s/)
    expect(run.stderr).toMatch(/renewed lease database\/creds\/short\/…: TTL \d+s/)
    expect(run.stderr).toContain('lease database/creds/capped/… reached its max TTL')
    expect(run.stderr).toContain('revoked the Vault token')
    expect(await db.roles(rolePrefix)).toEqual([])
  }, 90_000)
})
