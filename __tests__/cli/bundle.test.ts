/**
 * dist/cli.cjs as a real process: on a GitHub runner (GITHUB_ENV/OUTPUT with masks), and `exec` (secrets only in
 * the child's environment, its exit code returned, signals forwarded, the token revoked afterwards).
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { leaks, runBundle } from '../../__fixtures__/runner.js'
import { differing, NASTY, runBundleCli, startBundle, useLoopback } from './helpers.js'

const VALUES = Object.values(NASTY)

const loop = useLoopback(NASTY)

/** A child that writes the given variables of its environment to `out` as JSON, then exits with `code`. */
function reporter(out: string, code: number): string[] {
  return [
    process.execPath,
    '-e',
    `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.fromEntries(${JSON.stringify(Object.keys(NASTY))}.map((k) => [k, process.env[k]])))); process.exit(${code})`,
  ]
}

describe('dist/cli.cjs', () => {
  it('on GitHub Actions: requests the ID token with --audience, masks every value, writes GITHUB_ENV and step outputs', async () => {
    const run = await runBundle('cli', { env: { ...loop.issuer.githubEnv(), VAULT_ADDR: loop.vault.url } }, [
      '--role',
      'ci',
      '--audience',
      'https://vault.example.com',
      '--secrets',
      'secret/app QUOTES | QUOTES; secret/app MULTI | MULTI',
    ])
    expect(run.code).toBe(0)
    expect(loop.issuer.audiences.at(-1)).toBe('https://vault.example.com')
    expect(run.env).toEqual({ QUOTES: NASTY.QUOTES, MULTI: NASTY.MULTI })
    expect(run.outputs).toEqual({ QUOTES: NASTY.QUOTES, MULTI: NASTY.MULTI })
    expect(run.masks).toEqual(expect.arrayContaining([NASTY.QUOTES, NASTY.MULTI, 'line one', 'hvs.fake-client-token']))
    expect(leaks(run.log + run.errLog, [NASTY.QUOTES as string, NASTY.MULTI as string])).toEqual([])
  })

  it('exec: the child alone gets the secrets in its environment; its exit code is returned; nothing is written; the token is revoked', async () => {
    const out = loop.dir.file('child-env.json')
    const cwd = readdirSync(loop.dir.path)
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    const before = loop.vault.requests.length
    const run = await runBundleCli(
      ['exec', '--role', 'ci', '--jwt-env', 'CI_TOKEN', '--secrets', 'secret/app *', '--', ...reporter(out, 7)],
      { VAULT_ADDR: loop.vault.url, CI_TOKEN: token },
    )
    expect(run.code).toBe(7)
    expect(differing(JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>, NASTY)).toEqual([])
    expect(leaks(run.stdout + run.stderr, [...VALUES, token], 6)).toEqual([])
    expect(readdirSync(loop.dir.path).filter((f) => !cwd.includes(f))).toEqual(['child-env.json'])
    const paths = loop.vault.requests.slice(before).map((r) => r.path)
    expect(paths.indexOf('/v1/auth/token/revoke-self')).toBeGreaterThan(paths.indexOf('/v1/secret/data/app'))
  })

  it("exec: forwards SIGTERM to the child and exits with the child's code", async () => {
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    const script = "process.on('SIGTERM', () => process.exit(42)); console.log('ready'); setInterval(() => {}, 1000)"
    const { child, result } = startBundle(
      ['exec', '--role', 'ci', '--jwt-env', 'CI_TOKEN', '--secrets', 'secret/app QUOTES', '--', process.execPath, '-e', script],
      { VAULT_ADDR: loop.vault.url, CI_TOKEN: token },
    )
    await new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()))
    child.kill('SIGTERM')
    expect((await result).code).toBe(42)
  })

  it('exec: a missing command is exit 127 with its name, and the token is still revoked', async () => {
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    const before = loop.vault.requests.length
    const run = await runBundleCli(
      ['exec', '--role', 'ci', '--jwt-env', 'CI_TOKEN', '--secrets', 'secret/app QUOTES', '--', 'no-such-command-xyz'],
      { VAULT_ADDR: loop.vault.url, CI_TOKEN: token },
    )
    expect(run.code).toBe(127)
    expect(run.stderr).toContain('cannot run "no-such-command-xyz": ENOENT')
    expect(loop.vault.requests.slice(before).map((r) => r.path)).toContain('/v1/auth/token/revoke-self')
    expect(existsSync(loop.dir.file('no-such-command-xyz'))).toBe(false)
  })

  it('--output - prints shell exports for eval, which round-trip through bash', async () => {
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    const run = await runBundleCli(
      ['--role', 'ci', '--jwt-stdin', '--secrets', 'secret/app DOLLAR | D; secret/app CRLF | C', '--output', '-'],
      { VAULT_ADDR: loop.vault.url },
      token,
    )
    expect(run.code).toBe(0)
    const { execFileSync } = await import('node:child_process')
    const read = execFileSync('bash', ['-c', 'eval "$1"; printf %s "$D|$C"', 'bash', run.stdout], { encoding: 'utf8', input: '' })
    expect(read === `${NASTY.DOLLAR}|${NASTY.CRLF}`).toBe(true)
    expect(run.stderr).toContain('wrote 2 variable(s) to stdout (shell): D, C')
  })

  describe('on a GitHub runner, stdout stays data: masks and log lines go to stderr (the runner reads both)', () => {
    it('--output -: stdout is only the export lines, and bash reads the values back', async () => {
      const run = await runBundle('cli', { env: { ...loop.issuer.githubEnv(), VAULT_ADDR: loop.vault.url } }, [
        '--role',
        'ci',
        '--audience',
        'https://vault.example.com',
        '--secrets',
        'secret/app DOLLAR | D; secret/app MULTI | M',
        '--output',
        '-',
      ])
      expect(run.code).toBe(0)
      expect(run.stdout).not.toContain('::')
      const { execFileSync } = await import('node:child_process')
      const read = execFileSync('bash', ['-c', 'eval "$1"; printf %s "$D|$M"', 'bash', run.stdout], { encoding: 'utf8', input: '' })
      expect(read === `${NASTY.DOLLAR}|${NASTY.MULTI}`).toBe(true)
      expect(run.stderr).toMatch(/^::add-mask::/m)
      expect(run.masks).toEqual(expect.arrayContaining([NASTY.DOLLAR, NASTY.MULTI, 'hvs.fake-client-token']))
      expect(leaks(run.errLog, [NASTY.DOLLAR as string, NASTY.MULTI as string, 'hvs.fake-client-token'])).toEqual([])
    })

    it('claims: stdout has the claims and never the ID token; the token is masked on stderr', async () => {
      const run = await runBundle('cli', { env: { ...loop.issuer.githubEnv(), VAULT_ADDR: loop.vault.url } }, [
        'claims',
        '--audience',
        'https://vault.example.com',
      ])
      expect(run.code).toBe(0)
      const jwt = run.masks.find((m) => m.split('.').length === 3)
      expect(jwt).toBeDefined()
      expect(run.stdout).toContain('https://vault.example.com')
      expect(run.stdout).not.toContain(jwt)
      expect(run.stdout).not.toContain('::')
    })

    it('exec: every mask is on both streams before the child prints anything', async () => {
      const script = `process.stdout.write('child-out:' + process.env.D + '\\n'); process.stderr.write('child-err:' + process.env.D + '\\n')`
      const run = await runBundle('cli', { env: { ...loop.issuer.githubEnv(), VAULT_ADDR: loop.vault.url } }, [
        'exec',
        '--role',
        'ci',
        '--audience',
        'https://vault.example.com',
        '--secrets',
        'secret/app DOLLAR | D',
        '--',
        process.execPath,
        '-e',
        script,
      ])
      expect(run.code).toBe(0)
      for (const [stream, label] of [
        [run.stdout, 'child-out:'],
        [run.stderr, 'child-err:'],
      ] as const) {
        const lines = stream.split('\n')
        const mask = lines.indexOf(`::add-mask::${NASTY.DOLLAR as string}`)
        const child = lines.findIndex((l) => l.startsWith(label))
        expect([mask >= 0, child > mask]).toEqual([true, true])
      }
    })
  })
})
