/** `npm run demo` (scripts/demo.mjs) works end to end on each server (OpenBao by default, `--vault`), and shows no secret. */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { onServer, SERVER, serverBinary } from '../../__fixtures__/vault-server.js'

describe(`${SERVER}: the demo`, () => {
  it('runs the job and the post step, prints masked values only, and exits 0', async () => {
    const { args, env } = onServer({
      openbao: { args: [], env: { BAO_BIN: serverBinary() } },
      vault: { args: ['--vault'], env: { VAULT_BIN: serverBinary() } },
    })
    const demo = spawn(process.execPath, [resolve('scripts', 'demo.mjs'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    demo.stdout.on('data', (d: Buffer) => (out += d.toString()))
    demo.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((r) => demo.on('close', r))
    expect(out).not.toContain('demo failed')
    expect(code).toBe(0)
    expect(out).toMatch(onServer({ openbao: /^ {4}OpenBao v2\.6\.2/m, vault: /^ {4}Vault v1\.21\.0/m }))
    expect(out).toMatch(/DB_PASSWORD +\s= \*\*\*/)
    expect(out).toContain('before post HTTP 200, after post HTTP 403 (revoked)')
    expect(out).toContain('claim "ref" does not match any associated bound claim values')
    expect(out).toContain('the JWT does not appear in the log')
    for (const secret of ['correct horse battery staple', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAIOSFODNN7EXAMPLE', 'eu-west-1'])
      expect(out).not.toContain(secret)
  })
})
