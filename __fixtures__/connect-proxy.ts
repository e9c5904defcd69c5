/**
 * A loopback forward proxy for proxy tests, plain (http://) or TLS (https://): tunnels every CONNECT, and forwards
 * every absolute-URI request (plain-http targets), to 127.0.0.1 on the requested port, whatever host was asked
 * for. Records each CONNECT target, each forwarded URL and each Proxy-Authorization header.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ConnectProxy {
  /** http://127.0.0.1:<port> (https:// with `tls`), for HTTPS_PROXY / HTTP_PROXY. */
  readonly url: string
  /** "host:port" of every CONNECT received, in order. */
  readonly connects: string[]
  /** The absolute URL of every forwarded plain-http request, in order. */
  readonly forwarded: string[]
  /** Every Proxy-Authorization header received (CONNECT or forwarded). */
  readonly authorizations: string[]
  close(): Promise<void>
}

export async function startConnectProxy(o: { tls?: { cert: string; key: string } } = {}): Promise<ConnectProxy> {
  const sockets = new Set<Socket>()
  const connects: string[] = []
  const forwarded: string[] = []
  const authorizations: string[] = []
  const track = (s: Socket): void => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  }
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization'])
    if (!req.url?.startsWith('http://')) {
      res.writeHead(405, { 'content-type': 'text/plain' })
      res.end('this test proxy forwards absolute http:// URLs and tunnels CONNECT\n')
      return
    }
    forwarded.push(req.url)
    const target = new URL(req.url)
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    const out = request(
      { host: '127.0.0.1', port: target.port || 80, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    out.on('error', () => res.destroy())
    req.pipe(out)
  }
  const server: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key }, onRequest) : createServer(onRequest)
  server.on(o.tls ? 'secureConnection' : 'connection', track)
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (req.headers['proxy-authorization']) authorizations.push(req.headers['proxy-authorization'])
    const target = req.url ?? ''
    connects.push(target)
    const port = Number(/:(\d+)$/.exec(target)?.[1])
    const upstream = connect(port, '127.0.0.1')
    track(upstream)
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    forwarded,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
