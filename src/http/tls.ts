/**
 * The TLS half of the HTTP client, loaded only for https URLs (node:https and node:tls cost ~8 ms at start-up):
 * agents with the configured CA / client certificate / verification, and a CONNECT-tunnelling agent for proxies.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import type { Duplex } from 'node:stream'
import * as tls from 'node:tls'
import { NetworkError } from '../lib/errors.js'
import type { InputNamer } from '../lib/input-names.js'
import { proxyAuthorization, proxyError, proxyPort, proxyTlsName } from './proxy.js'

/** How the client side of TLS to Vault is set up (the HTTP client's `tls` option). */
export interface TlsOptions {
  readonly ca?: string
  readonly cert?: string
  readonly key?: string
  readonly rejectUnauthorized: boolean
}

export const httpsRequest = https.request

export function httpsAgent(common: http.AgentOptions, tlsOptions: TlsOptions, proxy: URL | undefined, inputName: InputNamer): https.Agent {
  const options = { ...common, ...tlsConnectOptions(tlsOptions) }
  return proxy ? new TunnelingAgent(options, proxy, inputName) : new https.Agent(options)
}

/**
 * For a plain-http Vault behind an https:// proxy: TLS to the proxy only, verified against Node's trust store
 * (NODE_EXTRA_CA_CERTS included), like vault-action's tunnel. Vault's CA and client certificate are not used there.
 */
export function proxyTlsAgent(common: http.AgentOptions): https.Agent {
  return new https.Agent(common)
}

function tlsConnectOptions(tlsOptions: TlsOptions): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: tlsOptions.rejectUnauthorized }
  if (tlsOptions.ca !== undefined) options.ca = [...tls.rootCertificates, tlsOptions.ca]
  if (tlsOptions.cert !== undefined) options.cert = tlsOptions.cert
  if (tlsOptions.key !== undefined) options.key = tlsOptions.key
  return options
}

/** An https.Agent that reaches the target through an HTTP CONNECT proxy, then speaks TLS end to end. */
class TunnelingAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly proxy: URL,
    private readonly inputName: InputNamer,
  ) {
    super(options)
  }

  override createConnection(requestOptions: http.ClientRequestArgs, cb?: (err: Error | null, stream: Duplex) => void): undefined {
    const options = requestOptions as tls.ConnectionOptions & { host?: string; port?: number }
    const callback = (err: Error | null, socket?: Duplex): void => cb?.(err, socket as Duplex)
    const host = options.host ?? 'localhost'
    const authority = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`
    const headers: Record<string, string> = { host: authority }
    if (this.proxy.username) headers['proxy-authorization'] = proxyAuthorization(this.proxy)
    // an https:// proxy is reached over TLS (verified against Node's trust store), then Vault's TLS runs inside
    const viaTls = this.proxy.protocol === 'https:'
    const { host: proxyHost, servername } = proxyTlsName(this.proxy)
    const connect = (viaTls ? https.request : http.request)({
      host: proxyHost,
      ...(viaTls ? { servername } : {}),
      port: proxyPort(this.proxy),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    })
    connect.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy()
        callback(new NetworkError(`proxy ${this.proxy.host} refused CONNECT to ${authority}: HTTP ${res.statusCode}`, 'EPROXY'))
        return
      }
      const secure = tls.connect({ ...options, socket, servername: net.isIP(host) ? '' : host })
      secure.once('secureConnect', () => callback(null, secure))
      secure.once('error', (err) => callback(err))
    })
    connect.once('error', (err: Error & { code?: string }) => callback(proxyError(this.proxy, err, this.inputName)))
    connect.end()
    return undefined
  }
}
