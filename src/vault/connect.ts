import { HttpClient } from '../http/client.js'
import type { Logger } from '../lib/log.js'
import type { RetryPolicy } from '../lib/retry.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import { VaultClient } from './client.js'

export interface TlsConfig {
  /** PEM text (already decoded from base64 / read from a file). */
  readonly ca?: string
  readonly cert?: string
  readonly key?: string
  readonly skipVerify: boolean
}

/** What talking to Vault needs (the core's Config has all of it). */
export interface ConnectionConfig {
  readonly url: string
  readonly namespace?: string
  readonly extraHeaders: Readonly<Record<string, string>>
  readonly tls: TlsConfig
  readonly retries: number
  readonly requestTimeoutMs: number
  readonly concurrency: number
  /** How messages name an input; the action's input names when not given. */
  readonly inputName?: InputNamer
}

export interface Connection {
  readonly http: HttpClient
  readonly vault: VaultClient
}

export function retryPolicy(retries: number, overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { attempts: retries + 1, baseDelayMs: 250, maxDelayMs: 8000, ...overrides }
}

/** The HTTP client and Vault client for one run; `deadline` is absolute (ms since epoch). */
export function connect(config: ConnectionConfig, log: Logger, deadline: number, retry: Partial<RetryPolicy> = {}): Connection {
  const http = new HttpClient({
    tls: {
      rejectUnauthorized: !config.tls.skipVerify,
      ...(config.tls.ca !== undefined ? { ca: config.tls.ca } : {}),
      ...(config.tls.cert !== undefined ? { cert: config.tls.cert } : {}),
      ...(config.tls.key !== undefined ? { key: config.tls.key } : {}),
    },
    headers: config.extraHeaders,
    requestTimeoutMs: config.requestTimeoutMs,
    deadline,
    retry: retryPolicy(config.retries, retry),
    maxSockets: config.concurrency,
    log,
    ...(config.inputName ? { inputName: config.inputName } : {}),
  })
  return { http, vault: new VaultClient(http, config.url, config.namespace) }
}

/**
 * A client for a CI platform's token endpoint: system CAs, no Vault headers, the same deadline, and more patience
 * than for Vault (at least 5 retries from 1 s): GitHub's ID-token endpoint has bursts of 5xx lasting seconds, which
 * @actions/core's own getIDToken (vault-action's) rides out with ~10 s of backoff.
 */
export function platformHttp(
  config: Pick<ConnectionConfig, 'retries' | 'requestTimeoutMs' | 'inputName'>,
  log: Logger,
  deadline: number,
): HttpClient {
  const retry = retryPolicy(Math.max(config.retries, 5), { baseDelayMs: 1000 })
  return new HttpClient({
    tls: { rejectUnauthorized: true },
    headers: {},
    requestTimeoutMs: config.requestTimeoutMs,
    deadline,
    retry,
    maxSockets: 4,
    log,
    ...(config.inputName ? { inputName: config.inputName } : {}),
  })
}

/**
 * `http://` to anything but this machine sends the token (and the secrets coming back) in clear text: said once per
 * run, as a warning (an annotation on GitHub, a stderr line in the CLI). Loopback is a local dev server or agent.
 */
export function warnIfCleartext(url: string, log: Logger, inputName: InputNamer = actionInputName): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return
  }
  if (parsed.protocol !== 'http:' || isLoopback(parsed.hostname)) return
  log.warning(
    `"${inputName('url')}" is http:// to ${parsed.host}, which is not this machine: the Vault token and the secrets cross the network unencrypted. Use https://`,
  )
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true
  return /^::ffff:127\./.test(host) || /^::ffff:7f[0-9a-f]{2}:/.test(host)
}
