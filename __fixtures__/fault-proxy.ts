/**
 * A loopback reverse proxy in front of any HTTP server (the real dev server, the fake Vault, the OIDC issuer) that
 * adds a fixed delay to every request and injects faults on demand: statuses (with headers, e.g. a redirect or
 * Retry-After), a connection reset before or in the middle of the response, a truncated body, a stall, extra
 * delay. It records the requests it received and the peak number in flight. Used by the fault tests and the
 * benchmark (scripts/bench.mjs, through scripts/lib/fixtures.mjs).
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Fault =
  /** Answer with this status (and body/headers, e.g. Location or Retry-After) instead of forwarding. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Close the connection without answering. */
  | { reset: 'before-response' }
  /** Forward, send the headers and half of the body (Content-Length promises all of it), then close. */
  | { reset: 'mid-response' }
  /** Forward, but send only the first half of the body with a matching Content-Length (complete but cut off). */
  | { truncate: true }
  /** Never answer. */
  | { hang: true }
  /** Wait this long more, then forward. */
  | { extraDelayMs: number }

export interface FaultRule {
  /** Matched against "METHOD /path?query"; default: every request. */
  readonly match?: RegExp
  /** How many matching requests get the fault; default: all of them. */
  times?: number
  readonly fault: Fault
}

export interface ProxiedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  /** The fault applied, if any. */
  readonly fault?: Fault
}

export interface FaultProxy {
  readonly url: string
  /** Every request received, in order. */
  readonly requests: ProxiedRequest[]
  /** Highest number of requests in flight at once. */
  readonly peakInFlight: number
  /** Added to every request before it is forwarded (or faulted). */
  delayMs: number
  /** Adds a rule; the oldest matching rule with uses left applies. */
  inject(rule: FaultRule): void
  /** Forgets the rules, the request log and the peak. */
  reset(): void
  close(): Promise<void>
}

/** Every field a fault may have, for reading a Fault without narrowing it first. */
type AnyFault = Partial<{
  status: number
  body: unknown
  headers: Record<string, string>
  reset: 'before-response' | 'mid-response'
  truncate: true
  hang: true
  extraDelayMs: number
}>

/** A reverse proxy to `target` (an http:// origin) on a random loopback port. */
export async function startFaultProxy(target: string, o: { delayMs?: number } = {}): Promise<FaultProxy> {
  const upstream = new URL(target)
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity })
  const rules: FaultRule[] = []
  const sockets = new Set<Socket>()
  const state = { inFlight: 0, peakInFlight: 0 }

  const proxy: FaultProxy & { url: string } = {
    url: '',
    requests: [],
    get peakInFlight() {
      return state.peakInFlight
    },
    delayMs: o.delayMs ?? 0,
    inject: (rule: FaultRule) => void rules.push({ ...rule }),
    reset() {
      rules.length = 0
      proxy.requests.length = 0
      state.peakInFlight = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        agent.destroy()
        server.close(() => resolve())
      }),
  }

  /** The oldest matching rule with uses left; spends one use. */
  function take(req: IncomingMessage): Fault | undefined {
    const line = `${req.method} ${req.url}`
    const rule = rules.find((r) => (r.times ?? Infinity) > 0 && (r.match?.test(line) ?? true))
    if (!rule) return undefined
    if (rule.times !== undefined) rule.times--
    return rule.fault
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    state.inFlight++
    state.peakInFlight = Math.max(state.peakInFlight, state.inFlight)
    try {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const taken = take(req)
      const fault = taken as AnyFault | undefined
      proxy.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, ...(taken ? { fault: taken } : {}) })
      const wait = proxy.delayMs + (fault?.extraDelayMs ?? 0)
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      if (fault?.hang) return
      if (fault?.reset === 'before-response') return void req.socket.destroy()
      if (fault?.status !== undefined) {
        const text = fault.body === undefined ? '' : JSON.stringify(fault.body)
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
          ...fault.headers,
        })
        return void res.end(text)
      }
      const answer = await forward(req, Buffer.concat(chunks))
      const headers = { ...answer.headers }
      delete headers['transfer-encoding']
      delete headers.connection
      if (fault?.truncate || fault?.reset === 'mid-response') {
        // half the body; a reset promises all of it (Content-Length) and closes, a truncation ends cleanly
        const half = answer.body.subarray(0, Math.floor(answer.body.length / 2))
        res.writeHead(answer.status, { ...headers, 'content-length': String(fault?.truncate ? half.length : answer.body.length) })
        res.write(half)
        if (fault?.truncate) res.end()
        else setTimeout(() => req.socket.destroy(), 20)
        return
      }
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) })
      res.end(answer.body)
    } catch (err) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [`fault proxy: upstream failed: ${(err as Error).message}`] }))
    } finally {
      state.inFlight--
    }
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        (res) => {
          const parts: Buffer[] = []
          res.on('data', (d: Buffer) => parts.push(d))
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(parts) }))
          res.on('error', reject)
        },
      )
      out.on('error', reject)
      out.end(body)
    })
  }

  const server = createServer((req, res) => void handle(req, res))
  server.keepAliveTimeout = 30_000
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
