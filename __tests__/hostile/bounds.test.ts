/**
 * A hostile or broken server cannot make the action or the CLI use unbounded memory or time: the bundled action
 * (dist/main.cjs, dist/post.cjs) and CLI run against loopback servers that send endless or giant bodies, huge
 * values, hundreds of long errors, 100k keys, stalls and far-off Retry-After. Every run ends in one clear error
 * (errorMessage set, nothing exported) or succeeds, within generous bounds that only prove "does not hang".
 */
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { runBundle, unescapeCommand, type RunnerResult } from '../../__fixtures__/runner.js'
import { MAX_ENV_VAR_BYTES } from '../../src/core/limits.js'
import { MAX_RESPONSE_BYTES } from '../../src/http/client.js'
import { runBundleCli, tempDir } from '../cli/helpers.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

interface Hostile {
  url: string
  /** "METHOD /path" of every request, in order. */
  readonly seen: string[]
  /** The handler for everything but the KV v2 mount lookup (answered for "secret/"). */
  handle: Handler
  /** Replaces the mount lookup's answer. */
  lookup?: Handler
}

let server: ReturnType<typeof createServer>
const sockets = new Set<Socket>()
const hostile: Hostile = { url: '', seen: [], handle: (_req, res) => json(res, 404, { errors: [] }) }
const work = mkdtempSync(join(tmpdir(), 'vault-oidc-bounds-'))
const rssHook = join(work, 'rss.cjs')

beforeAll(async () => {
  // the bundle's own peak memory, written when it exits (as scripts/bench.mjs measures it)
  writeFileSync(
    rssHook,
    `process.on('exit', () => require('fs').writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS * 1024)))\n`,
  )
  server = createServer((req, res) => {
    hostile.seen.push(`${req.method} ${req.url}`)
    if (req.url?.startsWith('/v1/sys/internal/ui/mounts/secret/') && hostile.lookup) return hostile.lookup(req, res)
    if (req.url?.startsWith('/v1/sys/internal/ui/mounts/secret/'))
      return json(res, 200, { data: { path: 'secret/', type: 'kv', options: { version: '2' } } })
    hostile.handle(req, res)
  })
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  hostile.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  hostile.seen.length = 0
  hostile.handle = (_req, res) => json(res, 404, { errors: [] })
  delete hostile.lookup
  for (const s of sockets) s.destroy()
})
afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise((resolve) => server.close(resolve))
  rmSync(work, { recursive: true, force: true })
})

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Writes 64 KiB chunks for as long as the client reads (the "endless body"). */
function endless(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  const chunk = Buffer.alloc(64 * 1024, 'a')
  res.write('{"data":{"data":{"password":"')
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump)
  }
  pump()
}

const reads = (path: string): number => hostile.seen.filter((s) => s.startsWith(`GET /v1/${path}`)).length

/** The action as a runner runs it, with a token login and a small budget; `inputs` override. */
function action(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunnerResult> {
  return runBundle('main', {
    inputs: { url: hostile.url, method: 'token', token: 'hvs.bounds-test', retries: '2', requestTimeout: '30s', timeout: '60s', ...inputs },
    env,
    timeoutMs: 170_000,
  })
}

/** The ::error:: lines the runner shows (unescaped). */
const errors = (r: RunnerResult): string[] =>
  [...`${r.stdout}\n${r.stderr}`.matchAll(/^::error::(.*)$/gm)].map((m) => unescapeCommand(m[1] ?? ''))

function expectCleanFailure(r: RunnerResult, ...says: string[]): string {
  expect(r.code).toBe(1)
  const shown = errors(r)
  expect(shown).toHaveLength(1)
  for (const s of says) expect(shown[0]).toContain(s)
  expect(r.outputs.errorMessage).toBeDefined()
  expect(shown[0]).toContain(r.outputs.errorMessage as string)
  expect(r.env).toEqual({})
  expect(Object.keys(r.outputs)).toEqual(['errorMessage'])
  return shown[0] as string
}

describe('bounded memory', () => {
  it('an endless body is cut at the cap: one error naming the path and the cap, not retried, nothing exported, peak memory near the cap', async () => {
    hostile.handle = (req, res) => (req.url?.startsWith('/v1/secret/data/app') ? endless(res) : json(res, 404, { errors: [] }))
    const rssFile = join(work, 'rss-endless')
    const r = await action({ secrets: 'secret/app password | P' }, { NODE_OPTIONS: `--require ${rssHook}`, RSS_FILE: rssFile })
    expectCleanFailure(r, 'read "secret/data/app"', '"/v1/secret/data/app"', `${MAX_RESPONSE_BYTES / 1024 / 1024} MiB limit`, 'not retried')
    expect(reads('secret/data/app')).toBe(1)
    const peak = Number(readFileSync(rssFile, 'utf8'))
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThan(MAX_RESPONSE_BYTES + 200 * 1024 * 1024)
  }, 180_000)

  it('a body that announces 1 GiB by Content-Length is refused before it is read, well before any timeout', async () => {
    hostile.handle = (req, res) => {
      if (!req.url?.startsWith('/v1/secret/data/app')) return json(res, 404, { errors: [] })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 30) })
      res.write('{"data":') // and then nothing: only the announced size can end this in time
    }
    const r = await action({ secrets: 'secret/app password | P' })
    expectCleanFailure(r, 'read "secret/data/app"', 'announced 1073741824 bytes', '32 MiB limit')
    expect(reads('secret/data/app')).toBe(1)
    expect(r.elapsedMs).toBeLessThan(25_000) // the request timeout is 30 s, the overall one 60 s
  }, 180_000)

  it('the CLI ends an endless body the same way: one error on stderr, exit 1, no output file written', async () => {
    hostile.handle = (req, res) => (req.url?.startsWith('/v1/secret/data/app') ? endless(res) : json(res, 404, { errors: [] }))
    const out = join(work, 'cli.env')
    const run = await runBundleCli(
      [
        '--url',
        hostile.url,
        '--method',
        'token',
        '--token',
        'hvs.bounds-test',
        '--secrets',
        'secret/app password | P',
        '--output',
        out,
        '--retries',
        '2',
      ],
      {},
    )
    expect(run.code).toBe(1)
    const lines = run.stderr.split('\n').filter((l) => l.includes('error'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^vault-oidc: error: read "secret\/data\/app": the answer from 127\.0\.0\.1:\d+ for "\/v1\/secret\/data\/app" is larger than the 32 MiB limit/,
    )
    expect(() => readFileSync(out)).toThrow()
  }, 120_000)

  it(`a value over ${MAX_ENV_VAR_BYTES / 1024} KiB fails before anything is exported, naming the variable and path, never the value; a 100 KiB one is exported`, async () => {
    const big = 'B'.repeat(MAX_ENV_VAR_BYTES) // with "BIG=" and the NUL it is over by 5 bytes
    const fits = 'f'.repeat(100 * 1024)
    hostile.handle = (req, res) =>
      req.url?.startsWith('/v1/secret/data/app')
        ? json(res, 200, { data: { data: { big, fits, small: 'small-value' }, metadata: {} } })
        : json(res, 404, { errors: [] })
    const r = await action({ secrets: 'secret/app big | BIG; secret/app small | SMALL' })
    const shown = expectCleanFailure(r, 'BIG (from secret/data/app, 131072 bytes)', 'at most 128 KiB', 'E2BIG', 'Nothing was exported')
    expect(shown).not.toContain('BBBB')
    // the runner hides it: its ::add-mask:: line is the only place the value appears
    expect(
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain('BBBB')
    expect(r.masks).toContain('small-value') // masked as soon as it was read (issue 8 item 5), yet never exported

    const ok = await action({ secrets: 'secret/app fits | FITS' })
    expect(ok.code).toBe(0)
    expect(ok.env).toEqual({ FITS: fits })
  }, 180_000)
})

describe('bounded time', () => {
  it('640 long Vault errors on a JWT login: the hint uses the first 20, quickly, and the error stays short', async () => {
    // each error invites `role .* not found` to backtrack: "role " many times and never " not found"
    const vaultErrors = Array.from({ length: 640 }, (_, i) => `error ${i}: ${'role x '.repeat(70)}`)
    hostile.handle = (req, res) =>
      req.url === '/v1/auth/jwt/login' ? json(res, 400, { errors: vaultErrors }) : json(res, 404, { errors: [] })
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const r = await action({ method: 'jwt', role: 'ci', jwtPrivateKey: pem, secrets: 'secret/app password | P', timeout: '60s' })
    const shown = expectCleanFailure(
      r,
      'Vault rejected the JWT login at auth/jwt for role "ci" (HTTP 400)',
      'error 19: role x',
      '(and 620 more errors)',
    )
    expect(shown).not.toContain('error 20:')
    expect(shown.length).toBeLessThan(15_000)
    expect(r.elapsedMs).toBeLessThan(30_000) // 62 s before the cap, with a 10 s timeout
  }, 180_000)

  it('100k keys under `*` are exported in linear time (70 s before: quadratic)', async () => {
    const data: Record<string, string> = {}
    for (let i = 0; i < 100_000; i++) data[`k${i}`] = `value-number-${i}`
    const body = JSON.stringify({ data: { data, metadata: {} } })
    hostile.handle = (req, res) => {
      if (!req.url?.startsWith('/v1/secret/data/app')) return json(res, 404, { errors: [] })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    }
    const r = await action({ secrets: 'secret/app *', timeout: '160s' })
    expect(r.code).toBe(0)
    expect(Object.keys(r.env)).toHaveLength(100_000)
    expect(r.env.K99999).toBe('value-number-99999')
    expect(r.elapsedMs).toBeLessThan(60_000)
  }, 180_000)

  it.each([
    ['Content-Length: 5', 'Content-Length'],
    ['transfer-encoding: chunked', 'transfer-encoding'],
    ['HOST: vault.other.example', 'HOST'],
    ['X-Ok: 1\nConnection: close', 'Connection'],
  ])(
    'extraHeaders "%s" is an input error naming the input; nothing is sent',
    async (headers, name) => {
      const r = await action({ extraHeaders: headers, secrets: 'secret/app password | P' })
      expectCleanFailure(r, `input "extraHeaders": line ${headers.includes('\n') ? 2 : 1}: "${name}" cannot be set here`)
      expect(hostile.seen).toEqual([])
    },
    60_000,
  )

  it.each([
    ['?x=1', 'must not contain a query'],
    ['/?', 'must not contain a query'],
    ['#frag', 'must not contain a fragment'],
  ])(
    'a url ending in "%s" is an input error; nothing is sent',
    async (suffix, says) => {
      const r = await action({ url: `${hostile.url}${suffix}`, secrets: 'secret/app password | P' })
      expectCleanFailure(r, `input "url": ${says}`)
      expect(hostile.seen).toEqual([])
    },
    60_000,
  )

  describe('the overall timeout (3 s here; 30 s per request) ends every path', () => {
    const hang: Handler = () => undefined
    const trickle: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100)
    }
    it.each<[string, Record<string, string>, (req: IncomingMessage) => boolean, Handler]>([
      [
        'a login that never answers',
        { method: 'approle', roleId: 'r', secretId: 's' },
        (req) => req.url === '/v1/auth/approle/login',
        hang,
      ],
      ['a read that never answers', {}, (req) => req.url?.startsWith('/v1/secret/data/app') === true, hang],
      [
        'a read whose body trickles in forever (below the size cap)',
        {},
        (req) => req.url?.startsWith('/v1/secret/data/app') === true,
        trickle,
      ],
    ])(
      '%s',
      async (_name, inputs, match, handler) => {
        hostile.handle = (req, res) => (match(req) ? handler(req, res) : json(res, 404, { errors: [] }))
        const r = await action({ secrets: 'secret/app password | P', timeout: '3s', ...inputs })
        expectCleanFailure(r, 'the overall timeout passed', 'raise "timeout"')
        expect(r.elapsedMs).toBeLessThan(20_000)
      },
      60_000,
    )

    it('the GitHub ID token request that never answers', async () => {
      hostile.handle = (req, res) => (req.url?.startsWith('/idtoken') ? undefined : json(res, 404, { errors: [] }))
      const r = await action(
        { method: 'jwt', role: 'ci', secrets: 'secret/app password | P', timeout: '3s' },
        { ACTIONS_ID_TOKEN_REQUEST_URL: `${hostile.url}/idtoken?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token' },
      )
      expectCleanFailure(r, 'the overall timeout passed')
      expect(r.elapsedMs).toBeLessThan(20_000)
    }, 60_000)

    it('the CLI: a CI helper command that hangs (buildkite-agent) is stopped at the deadline, not after its own 60 s', async () => {
      const bk = tempDir()
      try {
        bk.fakeExecutable('buildkite-agent', 'sleep 100')
        const started = Date.now()
        const run = await runBundleCli(
          ['--url', hostile.url, '--secrets', 'secret/app password | P', '--output', bk.file('out.env'), '--timeout', '3s'],
          { BUILDKITE: 'true', PATH: `${bk.path}:${process.env.PATH}` },
        )
        expect(run.code).toBe(1)
        expect(run.stderr).toContain('vault-oidc: error: the Buildkite OIDC token ("')
        expect(run.stderr).toContain('was not ready when the overall timeout passed; raise "--timeout"')
        expect(Date.now() - started).toBeLessThan(25_000)
        expect(hostile.seen).toEqual([])
      } finally {
        bk.remove()
      }
    }, 60_000)

    it('429 with a Retry-After far past the deadline fails at once with the 429, instead of waiting', async () => {
      hostile.handle = (req, res) => {
        if (!req.url?.startsWith('/v1/secret/data/app')) return json(res, 404, { errors: [] })
        res.setHeader('retry-after', '3600')
        json(res, 429, { errors: ['rate limit quota exceeded'] })
      }
      const r = await action({ secrets: 'secret/app password | P', timeout: '60s' })
      expectCleanFailure(r, 'HTTP 429: rate limit quota exceeded')
      expect(reads('secret/data/app')).toBe(1)
      expect(r.elapsedMs).toBeLessThan(20_000)
    }, 60_000)

    it('the CLI: a read that never answers fails at the deadline, and the token is still revoked (a short grace for cleanup)', async () => {
      hostile.handle = (req, res) => {
        if (req.url === '/v1/auth/approle/login')
          return json(res, 200, {
            auth: { client_token: 'hvs.cli-owned', accessor: 'acc', policies: ['default'], lease_duration: 600, renewable: false },
          })
        if (req.url === '/v1/auth/token/revoke-self') return json(res, 204, {})
        if (req.url?.startsWith('/v1/secret/data/app')) return undefined // never answers
        json(res, 404, { errors: [] })
      }
      const out = join(work, 'cli-deadline.env')
      const started = Date.now()
      const run = await runBundleCli(
        [
          '--url',
          hostile.url,
          '--method',
          'approle',
          '--role-id',
          'r',
          '--secret-id',
          's',
          '--secrets',
          'secret/app password | P',
          '--output',
          out,
          '--timeout',
          '3s',
        ],
        {},
      )
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/vault-oidc: error: read "secret\/data\/app": the overall timeout passed/)
      expect(run.stderr).not.toContain('could not revoke')
      expect(hostile.seen).toContain('POST /v1/auth/token/revoke-self')
      expect(() => readFileSync(out)).toThrow()
      expect(Date.now() - started).toBeLessThan(25_000)
    }, 60_000)

    it('a mount lookup still rate-limited after the retries fails with the 429, not with a misleading read of the path as written', async () => {
      hostile.lookup = (_req, res) => {
        res.setHeader('retry-after', '0')
        json(res, 429, { errors: ['rate limit quota exceeded'] })
      }
      hostile.handle = (req, res) =>
        req.url?.startsWith('/v1/secret/') ? json(res, 403, { errors: ['permission denied'] }) : json(res, 404, { errors: [] })
      const r = await action({ secrets: 'secret/app password | P', retries: '1' })
      expectCleanFailure(r, 'mount lookup for "secret/app": HTTP 429: rate limit quota exceeded')
      expect(hostile.seen.filter((s) => s.startsWith('GET /v1/secret/'))).toEqual([])
    }, 60_000)

    it('the post step: a revocation that never answers ends with a warning within the timeout', async () => {
      hostile.handle = () => undefined
      const r = await runBundle('post', {
        inputs: { url: hostile.url, timeout: '3s', requestTimeout: '30s' },
        state: { vaultToken: 'hvs.owned' },
        timeoutMs: 60_000,
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/::warning::could not revoke the Vault token: .*the overall timeout passed/)
      expect(hostile.seen).toContain('POST /v1/auth/token/revoke-self')
      expect(r.elapsedMs).toBeLessThan(20_000)
    }, 60_000)
  })
})
