/** `npm run demo` (scripts/demo.mjs) works end to end on the server the suite uses, and shows no secret. */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { SERVER, serverBinary } from '../../__fixtures__/vault-server.js'

describe(`${SERVER}: the demo`, () => {
  it('runs the job and the post step, prints masked values only, and exits 0', async () => {
    const demo = spawn(process.execPath, [resolve('scripts', 'demo.mjs')], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BAO_BIN: serverBinary(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    demo.stdout.on('data', (d: Buffer) => (out += d.toString()))
    demo.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((r) => demo.on('close', r))
    expect(out).not.toContain('demo failed')
    expect(code).toBe(0)
    expect(out).toMatch(/DB_PASSWORD +\s= \*\*\*/)
    expect(out).toContain('before post HTTP 200, after post HTTP 403 (revoked)')
    expect(out).toContain('claim "ref" does not match any associated bound claim values')
    expect(out).toContain('the JWT does not appear in the log')
    for (const secret of ['correct horse battery staple', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAIOSFODNN7EXAMPLE', 'eu-west-1']) expect(out).not.toContain(secret)
  })
})
