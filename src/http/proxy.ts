/** Proxy selection, credentials and errors, shared by plain-HTTP requests and the TLS tunnel. */
import { isIP } from 'node:net'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { NetworkError } from '../lib/errors.js'
import type { InputNamer } from '../lib/input-names.js'

/** The runner's own proxy rules (HTTPS_PROXY/HTTP_PROXY, NO_PROXY; loopback is never proxied). */
export function defaultProxyFor(url: URL): URL | undefined {
  const proxy = getProxyUrl(url)
  // getProxyUrl's URL reports decoded credentials; a plain URL keeps them percent-encoded, so that
  // proxyAuthorization decodes exactly once whoever chose the proxy
  return proxy ? new URL(proxy.href) : undefined
}

/** Basic credentials from the proxy URL's (percent-encoded) user and password. */
export function proxyAuthorization(proxy: URL): string {
  return `Basic ${Buffer.from(`${decodeOnce(proxy.username)}:${decodeOnce(proxy.password)}`).toString('base64')}`
}

/** The proxy's port; without one in the URL, 443 for https:// and 80 for http:// proxies. */
export function proxyPort(proxy: URL): number {
  return Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80)
}

/** The name TLS to an https:// proxy checks its certificate against (never the Host header's, which is Vault's). */
export function proxyTlsName(proxy: URL): { host: string; servername: string } {
  const host = proxy.hostname.replace(/^\[|\]$/g, '')
  return { host, servername: isIP(host) ? '' : host } // '' = no SNI; the certificate is checked against the IP
}

function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text // a lone "%" that is not an escape: taken literally
  }
}

/** A failure to reach or talk to the proxy itself, named as such (with a hint for an https:// proxy's certificate). */
export function proxyError(proxy: URL, err: Error & { code?: string }, inputName: InputNamer): NetworkError {
  const code = err.code ?? 'EPROXY'
  const tlsHint = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME/.test(code)
    ? ` (TLS to the https:// proxy: add its CA to NODE_EXTRA_CA_CERTS; "${inputName('caCertificate')}" is for Vault only)`
    : ''
  return new NetworkError(`cannot reach proxy ${proxy.host}: ${err.code ?? err.message}${tlsHint}`, code)
}
