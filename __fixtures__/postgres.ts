/**
 * The machine's PostgreSQL (127.0.0.1:5432, user postgres; override with PGHOST/PGPORT/PGUSER) for the database
 * secrets engine: psql as a function, a throw-away database, and a check of a role's password against its SCRAM
 * verifier (pg_hba may trust loopback, in which case a login alone proves nothing about the password).
 */
import { execFile } from 'node:child_process'
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

export const PG = { host: process.env.PGHOST ?? '127.0.0.1', port: process.env.PGPORT ?? '5432', admin: process.env.PGUSER ?? 'postgres' }

/** Runs one SQL command with psql; resolves to its unaligned, tuples-only output. */
export function psql(sql: string, o: { user?: string; password?: string; db?: string } = {}): Promise<string> {
  const args = [
    '-X',
    '-h',
    PG.host,
    '-p',
    PG.port,
    '-U',
    o.user ?? PG.admin,
    '-d',
    o.db ?? 'postgres',
    '-v',
    'ON_ERROR_STOP=1',
    '-tAc',
    sql,
  ]
  const env = { PATH: process.env.PATH ?? '', ...(o.password !== undefined ? { PGPASSWORD: o.password } : {}), PGCONNECT_TIMEOUT: '5' }
  return new Promise((resolve, reject) => {
    execFile('psql', args, { env, timeout: 15_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`psql: ${stderr.trim() || err.message}`)) : resolve(stdout.trim()),
    )
  })
}

export interface TestDatabase {
  readonly name: string
  /** Names of the roles that still exist whose name starts with `prefix`. */
  roles(prefix: string): Promise<string[]>
  /** Drops the database, then every role starting with `rolePrefix`. */
  drop(rolePrefix: string): Promise<void>
}

/** A fresh database with a random name. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `vault_oidc_it_${randomBytes(4).toString('hex')}`
  await psql(`CREATE DATABASE ${name}`)
  const db: TestDatabase = {
    name,
    async roles(prefix) {
      const out = await psql(`SELECT rolname FROM pg_roles WHERE starts_with(rolname, '${prefix.replace(/'/g, "''")}') ORDER BY 1`)
      return out === '' ? [] : out.split('\n')
    },
    async drop(rolePrefix) {
      await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      for (const role of await db.roles(rolePrefix)) await psql(`DROP ROLE IF EXISTS "${role.replace(/"/g, '""')}"`)
    },
  }
  return db
}

/** Whether `password` matches the role's stored SCRAM-SHA-256 verifier (pg_authid, needs a superuser). */
export async function passwordMatches(role: string, password: string): Promise<boolean> {
  const stored = await psql(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role.replace(/'/g, "''")}'`)
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored)
  if (!m) throw new Error(`role ${role} has no SCRAM-SHA-256 password (found: ${stored === '' ? 'none' : stored.split('$')[0]})`)
  const [, iterations, salt, storedKey] = m as unknown as [string, string, string, string]
  const salted = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), Number(iterations), 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  return timingSafeEqual(createHash('sha256').update(clientKey).digest(), Buffer.from(storedKey, 'base64'))
}
