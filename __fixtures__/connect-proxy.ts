/**
 * A loopback HTTP CONNECT proxy for proxy tests: tunnels every CONNECT to 127.0.0.1 on the requested port
 * (whatever host was asked for), records each CONNECT target, refuses anything that is not CONNECT.
 */
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ConnectProxy {
  /** http://127.0.0.1:<port>, for HTTPS_PROXY. */
  readonly url: string
  /** "host:port" of every CONNECT received, in order. */
  readonly connects: string[]
  close(): Promise<void>
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const sockets = new Set<Socket>()
  const connects: string[] = []
  const server: Server = createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' })
    res.end('this test proxy only tunnels (CONNECT)\n')
  })
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))))
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    connects.push(target)
    const port = Number(/:(\d+)$/.exec(target)?.[1])
    const upstream = connect(port, '127.0.0.1')
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
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
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
