/** Proxy selection and credentials, shared by plain-HTTP requests and the TLS tunnel. */
import { getProxyUrl } from '@actions/http-client/lib/proxy'

/** The runner's own proxy rules (HTTPS_PROXY/HTTP_PROXY, NO_PROXY; loopback is never proxied). */
export function defaultProxyFor(url: URL): URL | undefined {
  return getProxyUrl(url)
}

export function proxyAuthorization(proxy: URL): string {
  return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
}
