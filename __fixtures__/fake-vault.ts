/**
 * A loopback server that speaks enough of Vault's HTTP API for fault injection and exact protocol edge cases
 * (what a real server cannot be made to do on demand: 412, Retry-After, 307 to another host, stalls, resets).
 * Routes are plain functions; every request is recorded; in-flight concurrency is tracked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage['headers']
  readonly body: unknown
}

export type FakeReply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** Close the socket without answering (connection reset). */
  | { destroy: true; delayMs?: number }
  /** Never answer. */
  | { hang: true }
  /** Send a status line and part of a body, then close. */
  | { truncate: string; status?: number }

export type Route = (req: FakeRequest) => FakeReply | undefined | Promise<FakeReply | undefined>

export interface FakeVault {
  readonly url: string
  readonly requests: FakeRequest[]
  /** Highest number of requests in flight at once. */
  readonly peakInFlight: number
  /** Adds a route; the newest matching route answers first. `pattern` matches "METHOD /v1/path". */
  on(pattern: RegExp | string, route: Route): void
  /** Puts a KV v2 secret (served at <mount>/data/<path>, mount lookup says v2). */
  kv2(mount: string, path: string, data: Record<string, unknown>): void
  kv1(mount: string, path: string, data: Record<string, unknown>): void
  /** Every request waits this long before it is answered. */
  delayMs: number
  close(): Promise<void>
}

export async function startFakeVault(): Promise<FakeVault> {
  const routes: Array<{ pattern: RegExp; route: Route }> = []
  const mounts = new Map<string, 1 | 2>()
  const secrets = new Map<string, Record<string, unknown>>()
  let inFlight = 0
  const sockets = new Set<import('node:net').Socket>()

  const fake: FakeVault = {
    url: '',
    requests: [],
    peakInFlight: 0,
    delayMs: 0,
    on(pattern, route) {
      routes.unshift({ pattern: typeof pattern === 'string' ? new RegExp(`^${pattern}$`) : pattern, route })
    },
    kv2(mount, path, data) {
      mounts.set(`${mount}/`, 2)
      secrets.set(`${mount}/data/${path}`, data)
    },
    kv1(mount, path, data) {
      mounts.set(`${mount}/`, 1)
      secrets.set(`${mount}/${path}`, data)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }

  // defaults: token login, mount lookup, KV reads, revoke-self
  const builtin: Route = (req) => {
    const p = req.path.replace(/^\/v1\//, '')
    if (p.startsWith('sys/internal/ui/mounts/')) {
      const target = p.slice('sys/internal/ui/mounts/'.length) + '/'
      for (const [mount, version] of mounts)
        if (target.startsWith(mount))
          return { status: 200, body: { data: { path: mount, type: 'kv', options: { version: String(version) } } } }
      return { status: 403, body: { errors: ['permission denied'] } }
    }
    if (req.method === 'GET' && secrets.has(p)) {
      const data = secrets.get(p) as Record<string, unknown>
      const v2 = mounts.get(p.split('/')[0] + '/') === 2
      return {
        status: 200,
        body: v2
          ? { data: { data, metadata: { version: 1 } }, lease_id: '', lease_duration: 0 }
          : { data, lease_id: '', lease_duration: 2764800 },
      }
    }
    if (p === 'auth/token/revoke-self') return { status: 204 }
    if (/^auth\/[^/]+\/login/.test(p))
      return {
        status: 200,
        body: { auth: { client_token: 'hvs.fake-client-token', policies: ['default'], lease_duration: 600, renewable: true } },
      }
    if (req.method === 'GET') return { status: 404, body: { errors: [] } }
    return undefined
  }

  const server: Server = createServer((req, res) => void handle(req, res))
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))))

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++
    ;(fake as { peakInFlight: number }).peakInFlight = Math.max(fake.peakInFlight, inFlight)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString()
    const url = new URL(req.url ?? '/', 'http://x')
    const method = req.method === 'GET' && url.searchParams.get('list') === 'true' ? 'LIST' : (req.method ?? 'GET')
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = text
    }
    const fr: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body }
    fake.requests.push(fr)
    let reply: FakeReply | undefined
    for (const { pattern, route } of routes) {
      if (pattern.test(`${method} ${url.pathname}`)) {
        reply = await route(fr)
        if (reply) break
      }
    }
    reply ??= (await builtin(fr)) ?? { status: 405, body: { errors: ['unsupported operation'] } }
    const delay = ('delayMs' in reply ? (reply.delayMs ?? 0) : 0) + fake.delayMs
    if (delay > 0) await new Promise((r) => setTimeout(r, delay))
    inFlight--
    if ('hang' in reply) return
    if ('destroy' in reply) {
      req.socket.destroy()
      return
    }
    if ('truncate' in reply) {
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(reply.truncate) + 50),
      })
      res.write(reply.truncate)
      setTimeout(() => req.socket.destroy(), 10)
      return
    }
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body)
    res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) })
    res.end(payload)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  ;(fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
