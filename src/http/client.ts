/**
 * The one HTTP client: keep-alive connections, TLS (CA, client certificate, skip-verify), HTTP(S)_PROXY and
 * NO_PROXY, per-request timeout, overall deadline, retries with backoff, and safe redirects
 * (a token header is never sent to another host).
 */
import * as http from 'node:http'
import type * as https from 'node:https'
import { DeadlineError, NetworkError, VaultResponseError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import type { Logger } from '../lib/log.js'
import { parseRetryAfter, withRetry, type RetryPolicy } from '../lib/retry.js'
import { defaultProxyFor, proxyAuthorization, proxyError, proxyTlsName } from './proxy.js'
import type { TlsOptions } from './tls.js'

/** node:https and node:tls cost ~8 ms to load: only an https URL loads them (see ./tls.ts). */
type TlsModule = typeof import('./tls.js')

export interface HttpClientOptions {
  readonly tls: TlsOptions
  /** Headers sent with every request (extraHeaders, namespace, ...). */
  readonly headers: Readonly<Record<string, string>>
  readonly requestTimeoutMs: number
  /** Absolute time (ms since epoch) after which nothing is attempted any more. */
  readonly deadline: number
  readonly retry: RetryPolicy
  readonly maxSockets: number
  readonly log: Logger
  /** Which proxy to use for a URL; the default reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY like the runner does. */
  readonly proxyFor?: (url: URL) => URL | undefined
  readonly now?: () => number
  /** How messages name an input ("url" in the action, "--url" in the CLI); the action's names by default. */
  readonly inputName?: InputNamer
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'LIST'
  readonly url: URL
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as JSON; a URLSearchParams is sent form-encoded (OAuth2 token endpoints). */
  readonly body?: unknown
  /** Whether failures may be retried. Defaults to true; false for requests that must not run twice. */
  readonly retry?: boolean
  /** Statuses >= 400 that are returned instead of thrown (e.g. 404 of a deleted KV version). */
  readonly acceptStatuses?: readonly number[]
  /** Short description for errors and retry logs, e.g. `read "secret/data/app"`. */
  readonly what: string
  /**
   * Cleanup after the run (revocation): may use a short window past the overall deadline (CLEANUP_GRACE_MS, counted
   * once per client from the first such request), so a run that timed out still revokes what it was issued.
   */
  readonly cleanup?: boolean
}

export interface HttpResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  /** Parsed JSON body, or undefined for an empty body. */
  readonly body: unknown
}

/** How one attempt is sent: the request options, node:http's or node:https's request(), and the plain-HTTP proxy in the way. */
interface Route {
  readonly options: https.RequestOptions
  readonly send: typeof http.request
  readonly viaProxy?: URL
}

const SENSITIVE_HEADERS = ['x-vault-token', 'authorization']
const MAX_REDIRECTS = 3

/**
 * The largest response body accepted (32 MiB). Vault's answers are small: a KV secret of 1000 keys is ~40 KiB, and
 * Vault's own default request size limit is 32 MiB. A body over it (by Content-Length, or counted while it streams
 * in) is refused without buffering more, and not retried: an endless or giant body must not exhaust memory.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024
/** How long revocation may run past the overall deadline (see HttpRequest.cleanup). */
export const CLEANUP_GRACE_MS = 10_000
/** How many of Vault's error messages, and how many characters of each, an error message or a hint uses. */
export const MAX_VAULT_ERRORS = 20
export const MAX_VAULT_ERROR_CHARS = 500

export class HttpClient {
  private readonly agents = new Map<string, http.Agent>()
  private readonly now: () => number
  private tlsModule: Promise<TlsModule> | undefined
  private cleanupDeadline: number | undefined
  private readonly inputName: InputNamer

  /** The retry policy bounded by this client's overall deadline (also for callers that retry a whole exchange). */
  readonly retryPolicy: RetryPolicy

  constructor(readonly options: HttpClientOptions) {
    this.now = options.now ?? Date.now
    this.inputName = options.inputName ?? actionInputName
    this.retryPolicy = { ...options.retry, deadline: options.deadline, now: this.now }
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const attempts = req.retry === false ? 1 : this.options.retry.attempts
    return withRetry(
      () => this.followRedirects(req),
      { ...this.retryPolicy, attempts, deadline: this.deadlineFor(req) },
      (attempt, err, delayMs) => {
        this.options.log.info(
          `${req.what}: attempt ${attempt}/${attempts} failed (${(err as Error).message}); retrying in ${Math.round(delayMs)} ms`,
        )
      },
    )
  }

  private deadlineFor(req: HttpRequest): number {
    if (!req.cleanup) return this.options.deadline
    this.cleanupDeadline ??= Math.max(this.options.deadline, this.now() + Math.min(CLEANUP_GRACE_MS, this.options.requestTimeoutMs))
    return this.cleanupDeadline
  }

  /** Closes idle keep-alive sockets so the process can exit promptly. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy()
    this.agents.clear()
  }

  private async followRedirects(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url
    for (let hop = 0; ; hop++) {
      const res = await this.once(req, url)
      if (![301, 302, 303, 307, 308].includes(res.status)) return this.check(req, res)
      const location = res.headers.location
      if (location === undefined) return this.check(req, res)
      const target = new URL(location, url)
      const carriesToken = Object.keys({ ...this.options.headers, ...req.headers }).some((h) => SENSITIVE_HEADERS.includes(h.toLowerCase()))
      if (target.origin !== url.origin) {
        throw new NetworkError(
          `${req.what}: ${url.host} redirected (${res.status}) to another host, ${target.host}; ` +
            `the request was not followed${carriesToken ? ' so that the Vault token is never sent to another host' : ''}. ` +
            `Point "${this.inputName('url')}" at the active Vault node or at a load balancer that forwards requests.`,
          'EREDIRECT',
          true,
        )
      }
      if (hop >= MAX_REDIRECTS)
        throw new NetworkError(`${req.what}: more than ${MAX_REDIRECTS} redirects from ${url.host}`, 'EREDIRECT', true)
      url = target
    }
  }

  private check(req: HttpRequest, res: HttpResponse): HttpResponse {
    if (res.status < 400 || req.acceptStatuses?.includes(res.status)) return res
    const errors = vaultErrors(res.body)
    const said = errors.length > 0 ? errors.join('; ') : 'no error message'
    const retryAfter = parseRetryAfter(headerValue(res.headers['retry-after']), this.now())
    throw new VaultResponseError(`${req.what}: HTTP ${res.status}: ${said}`, res.status, errors, retryAfter)
  }

  /** One attempt: no retries, no redirects. */
  private async once(req: HttpRequest, url: URL): Promise<HttpResponse> {
    const remaining = this.deadlineFor(req) - this.now()
    if (remaining <= 0) throw this.deadlineError(req, url)
    const timeoutMs = Math.min(this.options.requestTimeoutMs, remaining)
    const deadlineHit = timeoutMs === remaining && remaining < this.options.requestTimeoutMs
    const { payload, headers } = this.encode(req)
    const route = await this.route(req, url, headers)
    return this.send(req, url, route, payload, { timeoutMs, deadlineHit })
  }

  /** The body as bytes (JSON, or a form for a URLSearchParams) and every header the request carries. */
  private encode(req: HttpRequest): { payload: Buffer | undefined; headers: Record<string, string> } {
    const form = req.body instanceof URLSearchParams
    const payload = req.body === undefined ? undefined : Buffer.from(form ? String(req.body) : JSON.stringify(req.body))
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'vault-oidc-action',
      'x-vault-request': 'true',
      ...lowerKeys(this.options.headers),
      ...lowerKeys(req.headers ?? {}),
    }
    if (payload) {
      headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json'
      headers['content-length'] = String(payload.length)
    }
    return { payload, headers }
  }

  /** Where the request goes: straight to `url`, to a plain-HTTP proxy (absolute URL), or through a CONNECT tunnel (the agent). */
  private async route(req: HttpRequest, url: URL, headers: Record<string, string>): Promise<Route> {
    const isHttps = url.protocol === 'https:'
    const proxy = (this.options.proxyFor ?? defaultProxyFor)(url)
    const secure = isHttps || proxy?.protocol === 'https:' ? await (this.tlsModule ??= import('./tls.js')) : undefined
    const viaProxy = proxy && !isHttps ? proxy : undefined
    const target = viaProxy ?? url
    const options: https.RequestOptions = {
      method: req.method,
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || (target.protocol === 'https:' ? 443 : 80),
      path: viaProxy ? url.href : url.pathname + url.search,
      headers: viaProxy ? { ...headers, host: url.host } : headers,
      agent: this.agentFor(url, proxy, secure),
    }
    if (viaProxy?.protocol === 'https:') options.servername = proxyTlsName(viaProxy).servername
    if (viaProxy?.username) options.headers = { ...options.headers, 'proxy-authorization': proxyAuthorization(viaProxy) }
    return { options, send: secure ? secure.httpsRequest : http.request, ...(viaProxy ? { viaProxy } : {}) }
  }

  private send(
    req: HttpRequest,
    url: URL,
    route: Route,
    payload: Buffer | undefined,
    limits: { timeoutMs: number; deadlineHit: boolean },
  ): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false
      /** The first outcome wins; later events of the same exchange (close, aborted, error) change nothing. */
      const settle = (outcome: HttpResponse | Error): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (outcome instanceof Error) {
          request.destroy()
          reject(outcome)
        } else resolve(outcome)
      }
      let timedOut: Error | undefined
      const request = route.send(route.options, (res) => {
        const cutShort = (): Error =>
          timedOut ?? new NetworkError(`${req.what}: ${url.host} closed the connection mid-response`, 'ECONNRESET')
        const declared = Number(headerValue(res.headers['content-length']) ?? NaN)
        if (declared > MAX_RESPONSE_BYTES) return settle(this.tooLarge(req, url, `announced ${declared} bytes`))
        const chunks: Buffer[] = []
        let received = 0
        res.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received > MAX_RESPONSE_BYTES) return settle(this.tooLarge(req, url, 'sent more'))
          chunks.push(chunk)
        })
        res.on('error', (err) => settle(timedOut ?? this.networkError(req, url, err)))
        res.on('aborted', () => settle(cutShort()))
        res.on('end', () => {
          if (!res.complete) return settle(cutShort())
          try {
            settle({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: this.parseBody(req, url, res.statusCode ?? 0, Buffer.concat(chunks)),
            })
          } catch (err) {
            settle(err instanceof Error ? err : new NetworkError(`${req.what}: unreadable answer from ${url.host}`, 'EBADBODY', true))
          }
        })
      })
      const timer = setTimeout(() => {
        timedOut = limits.deadlineHit
          ? this.deadlineError(req, url)
          : new NetworkError(
              `${req.what}: no answer from ${url.host} within ${Math.round(limits.timeoutMs / 100) / 10}s (${this.inputName('requestTimeout')})`,
              'ETIMEDOUT',
            )
        settle(timedOut)
      }, limits.timeoutMs)
      request.on('error', (err) => {
        if (err instanceof NetworkError || err instanceof DeadlineError) settle(err)
        else if (route.viaProxy)
          settle(proxyError(route.viaProxy, err, this.inputName)) // the connection that failed is the proxy's
        else settle(this.networkError(req, url, err))
      })
      // also on a response cut short (aborted/error): a pending timer would keep the process alive until it fires
      request.on('close', () => clearTimeout(timer))
      if (payload) request.write(payload)
      request.end()
    })
  }

  /** JSON of a 2xx/3xx answer must parse; an error page that is not JSON leaves the body undefined. */
  private parseBody(req: HttpRequest, url: URL, status: number, raw: Buffer): unknown {
    const text = raw.toString('utf8')
    if (text.trim() === '') return undefined
    try {
      return JSON.parse(text)
    } catch {
      if (status < 400)
        throw new NetworkError(
          `${req.what}: ${url.host} answered HTTP ${status} with a body that is not valid JSON (truncated or not Vault?)`,
          'EBADJSON',
        )
      return undefined
    }
  }

  private tooLarge(req: HttpRequest, url: URL, how: string): NetworkError {
    return new NetworkError(
      `${req.what}: the answer from ${url.host} for "${url.pathname}" is larger than the ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB limit for a response (it ${how}); ` +
        'it was not read further and is not retried. No Vault answer is that large: check that the address points at Vault and not at a proxy or file server',
      'ETOOLARGE',
      true,
    )
  }

  private deadlineError(req: HttpRequest, url: URL): DeadlineError {
    return new DeadlineError(
      `${req.what}: the overall timeout passed before ${url.host} answered; raise "${this.inputName('timeout')}" or check that ${url.host} is reachable`,
    )
  }

  private networkError(req: HttpRequest, url: URL, err: Error & { code?: string }): NetworkError {
    const code = err.code ?? 'EUNKNOWN'
    const tlsCodes = [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ]
    if (tlsCodes.includes(code)) {
      return new NetworkError(
        `${req.what}: TLS verification of ${url.host} failed (${code}: ${err.message}). Give the server's CA in "${this.inputName('caCertificate')}" (or VAULT_CACERT for the CLI); "${this.inputName('tlsSkipVerify')}: true" only for tests`,
        code,
        true,
      )
    }
    const hint =
      code === 'ECONNREFUSED'
        ? ` (is Vault running and is "${this.inputName('url')}" right?)`
        : code === 'ENOTFOUND'
          ? ` (is the host name in "${this.inputName('url')}" right?)`
          : ''
    return new NetworkError(`${req.what}: cannot reach ${url.host}: ${code}${hint}`, code)
  }

  private agentFor(url: URL, proxy: URL | undefined, secure: TlsModule | undefined): http.Agent {
    const key = `${url.protocol}//${url.host}|${proxy?.href ?? ''}`
    let agent = this.agents.get(key)
    if (agent === undefined) {
      const common = { keepAlive: true, maxSockets: this.options.maxSockets }
      agent = !secure
        ? new http.Agent(common)
        : url.protocol === 'https:'
          ? secure.httpsAgent(common, this.options.tls, proxy, this.inputName)
          : secure.proxyTlsAgent(common)
      this.agents.set(key, agent)
    }
    return agent
  }
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v
  return out
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Vault's `{"errors": [...]}`; anything else yields []. */
export function vaultErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return []
  const errors = (body as { errors?: unknown }).errors
  if (!Array.isArray(errors)) return []
  const texts = errors.filter((e): e is string => typeof e === 'string')
  // only the first few, each cut short before any regex runs on it: a hostile server can send megabytes of errors
  const shown = texts.slice(0, MAX_VAULT_ERRORS).map((e) =>
    e
      .slice(0, MAX_VAULT_ERROR_CHARS * 2)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, MAX_VAULT_ERROR_CHARS),
  )
  if (texts.length > MAX_VAULT_ERRORS) shown.push(`(and ${texts.length - MAX_VAULT_ERRORS} more errors)`)
  return shown
}
