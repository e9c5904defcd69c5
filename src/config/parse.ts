/** Small validated parsers for input values, shared by the action and the CLI. Every error names the input. */
import { InputError } from '../lib/errors.js'
import type { EncodingType } from '../core/config.js'
import { trimTrailing } from '../lib/trim.js'

export function parseBool(raw: string, input: string, fallback: boolean): boolean {
  const v = raw.trim()
  if (v === '') return fallback
  if (/^(true|yes|on|1)$/i.test(v)) return true
  if (/^(false|no|off|0)$/i.test(v)) return false
  throw new InputError(input, `must be true or false, got "${v}"`)
}

export function parseIntInRange(raw: string, input: string, fallback: number, min: number, max: number): number {
  const v = raw.trim()
  if (v === '') return fallback
  if (!/^\d+$/.test(v)) throw new InputError(input, `must be a whole number, got "${v}"`)
  const n = Number(v)
  if (n < min || n > max) throw new InputError(input, `must be between ${min} and ${max}, got ${n}`)
  return n
}

/** Seconds as a plain number ("30") or with a unit ("30s", "5m", "1h"); returns milliseconds. */
export function parseDurationMs(raw: string, input: string, fallbackMs: number): number {
  const v = raw.trim()
  if (v === '') return fallbackMs
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v)
  if (!m) throw new InputError(input, `must be a duration such as 30, 30s, 5m or 1h, got "${v}"`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  const ms = Number(m[1]) * unit
  if (ms <= 0) throw new InputError(input, 'must be greater than zero')
  return ms
}

export function parseUrl(raw: string, input: string): string {
  const v = raw.trim()
  if (v === '') throw new InputError(input, 'is required: the address of your Vault or OpenBao server, e.g. https://vault.example.com:8200')
  let url: URL
  try {
    url = new URL(v)
  } catch {
    throw new InputError(input, `is not a valid URL: "${v}" (expected e.g. https://vault.example.com:8200)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(input, `must start with https:// or http://, got "${url.protocol}"`)
  if (url.username || url.password) throw new InputError(input, 'must not contain credentials')
  return trimTrailing(v, '/')
}

/** The server's address, which the API path (`/v1/...`) is appended to: no query or fragment, where it would land. */
export function parseServerUrl(raw: string, input: string): string {
  const v = parseUrl(raw, input)
  if (v.includes('?'))
    throw new InputError(input, 'must not contain a query ("?..."): give the server address only, e.g. https://vault.example.com:8200')
  if (v.includes('#'))
    throw new InputError(input, 'must not contain a fragment ("#..."): give the server address only, e.g. https://vault.example.com:8200')
  return v
}

/**
 * Headers that decide how a request is framed or routed. Set by hand they break every exchange (a GET that
 * announces a body waits for it until the deadline) or send it elsewhere; the HTTP client sets them itself.
 */
const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
])

/**
 * extraHeaders: one `Name: value` per line; names are lower-cased, repeated names are joined with ", "
 * (vault-action's rules). A line without a colon is an error.
 */
export function parseHeaders(raw: string, input: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  for (const [i, line] of lines.entries()) {
    const sep = line.indexOf(':')
    if (sep <= 0) throw new InputError(input, `line ${i + 1} is not "Name: value"`)
    const name = line.slice(0, sep).trim().toLowerCase()
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new InputError(input, `line ${i + 1}: "${name}" is not a valid header name`)
    if (FRAMING_HEADERS.has(name))
      throw new InputError(
        input,
        `line ${i + 1}: "${line.slice(0, sep).trim()}" cannot be set here: it controls how requests are framed or routed, and the HTTP client sets it itself. Remove that line`,
      )
    const value = line.slice(sep + 1).trim()
    if (/[\r\n\0]/.test(value)) throw new InputError(input, `line ${i + 1}: header values cannot contain control characters`)
    out[name] = name in out ? `${out[name]}, ${value}` : value
  }
  return out
}

/** PEM given inline, or base64 of PEM (vault-action's format). */
export function parsePem(raw: string, input: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  if (v.includes('-----BEGIN')) return v.replace(/\\n/g, '\n')
  const decoded = Buffer.from(v, 'base64').toString('utf8')
  if (!decoded.includes('-----BEGIN')) throw new InputError(input, 'must be a PEM block or the base64 encoding of one')
  return decoded
}

export function parseJsonObject(raw: string, input: string): Record<string, unknown> | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(v)
  } catch (err) {
    // JSON.parse quotes the text around the mistake, which may be a password: keep only the position
    const at = /at position (\d+)/.exec((err as Error).message)?.[1]
    throw new InputError(
      input,
      `is not valid JSON${at ? ` (error at character ${at})` : ''}; the text is not shown because it may hold credentials`,
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(input, 'must be a JSON object')
  return parsed as Record<string, unknown>
}

export function parseEncoding(raw: string, input: string): EncodingType | undefined {
  const v = raw.trim().toLowerCase()
  if (v === '') return undefined
  if (v === 'base64' || v === 'hex' || v === 'utf8') return v
  throw new InputError(input, `must be base64, hex or utf8, got "${raw.trim()}"`)
}

export function optional(raw: string): string | undefined {
  const v = raw.trim()
  return v === '' ? undefined : v
}
