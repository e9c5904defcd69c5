/**
 * A loopback reverse proxy in front of any HTTP server (the real dev server, the fake Vault, the OIDC issuer) that
 * adds a fixed delay to every request and injects faults on demand: statuses (with headers, e.g. a redirect or
 * Retry-After), a connection reset before or in the middle of the response, a truncated body, a stall, extra
 * delay. It records the requests it received and the peak number in flight. Shared by the benchmark
 * (scripts/bench.mjs) and the fault tests (__fixtures__/fault-proxy.ts re-exports it). Types: fault-proxy.d.mts.
 */
import { Agent, createServer, request } from 'node:http'

export async function startFaultProxy(target, o = {}) {
  const upstream = new URL(target)
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity })
  const rules = []
  const sockets = new Set()
  const state = { inFlight: 0, peakInFlight: 0 }

  const proxy = {
    url: '',
    requests: [],
    get peakInFlight() {
      return state.peakInFlight
    },
    delayMs: o.delayMs ?? 0,
    inject: (rule) => void rules.push({ ...rule }),
    reset() {
      rules.length = 0
      proxy.requests.length = 0
      state.peakInFlight = 0
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        agent.destroy()
        server.close(() => resolve())
      }),
  }

  /** The oldest matching rule with uses left; spends one use. */
  function take(req) {
    const line = `${req.method} ${req.url}`
    const rule = rules.find((r) => (r.times ?? Infinity) > 0 && (r.match?.test(line) ?? true))
    if (!rule) return undefined
    if (rule.times !== undefined) rule.times--
    return rule.fault
  }

  async function handle(req, res) {
    state.inFlight++
    state.peakInFlight = Math.max(state.peakInFlight, state.inFlight)
    try {
      const chunks = []
      for await (const c of req) chunks.push(c)
      const fault = take(req)
      proxy.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, ...(fault ? { fault } : {}) })
      const wait = proxy.delayMs + (fault?.extraDelayMs ?? 0)
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      if (fault?.hang) return
      if (fault?.reset === 'before-response') return void req.socket.destroy()
      if (fault?.status !== undefined) {
        const text = fault.body === undefined ? '' : JSON.stringify(fault.body)
        res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...fault.headers })
        return void res.end(text)
      }
      const answer = await forward(req, Buffer.concat(chunks))
      const headers = { ...answer.headers }
      delete headers['transfer-encoding']
      delete headers.connection
      if (fault?.truncate || fault?.reset === 'mid-response') {
        // half the body; a reset promises all of it (Content-Length) and closes, a truncation ends cleanly
        const half = answer.body.subarray(0, Math.floor(answer.body.length / 2))
        res.writeHead(answer.status, { ...headers, 'content-length': String(fault.truncate ? half.length : answer.body.length) })
        res.write(half)
        if (fault.truncate) res.end()
        else setTimeout(() => req.socket.destroy(), 20)
        return
      }
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) })
      res.end(answer.body)
    } catch (err) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [`fault proxy: upstream failed: ${err.message}`] }))
    } finally {
      state.inFlight--
    }
  }

  function forward(req, body) {
    return new Promise((resolve, reject) => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent }, (res) => {
        const parts = []
        res.on('data', (d) => parts.push(d))
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(parts) }))
        res.on('error', reject)
      })
      out.on('error', reject)
      out.end(body)
    })
  }

  const server = createServer((req, res) => void handle(req, res))
  server.keepAliveTimeout = 30_000
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${server.address().port}`
  return proxy
}
