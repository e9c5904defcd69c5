import { DeadlineError, NetworkError, VaultResponseError } from './errors.js'

/** Statuses Vault or a proxy in front of it answer when trying again can help. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 500, 502, 503, 504])

export interface RetryPolicy {
  /** Total attempts, including the first (retries + 1). */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Absolute end of the overall timeout (ms since epoch): a wait that would outlast it is not started. */
  readonly deadline?: number
  /** Injected for tests: defaults are setTimeout, Math.random and Date.now. */
  readonly sleep?: (ms: number) => Promise<void>
  readonly random?: () => number
  readonly now?: () => number
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function isRetryable(err: unknown): boolean {
  if (err instanceof DeadlineError) return false
  if (err instanceof VaultResponseError) return RETRYABLE_STATUSES.has(err.status)
  if (err instanceof NetworkError) return !err.fatal
  return false
}

/**
 * Runs `op` until it succeeds, a non-retryable error occurs, or the attempts run out.
 * Waits with full-jitter exponential backoff, or for the server's Retry-After plus that jitter when it gave one.
 * `op` receives the attempt number (1-based), so a login can mint a fresh JWT each time.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void,
): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep
  const random = policy.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt)
    } catch (err) {
      if (attempt >= policy.attempts || !isRetryable(err)) throw err
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      const retryAfter = err instanceof VaultResponseError ? err.retryAfterMs : undefined
      // the server's Retry-After is a minimum, and the jitter goes on top: clients throttled together (a fleet of jobs
      // against one rate-limited Vault) must not all come back in the same instant. Honoured as asked when an overall
      // deadline bounds it, else capped at the maximum delay.
      const jittered = retryAfter !== undefined ? retryAfter + random() * ceiling : random() * ceiling
      const delayMs = retryAfter !== undefined && policy.deadline === undefined ? Math.min(jittered, policy.maxDelayMs) : jittered
      // a wait that would outlast the overall timeout only turns the real failure into a timeout: report it now
      if (policy.deadline !== undefined && (policy.now ?? Date.now)() + delayMs >= policy.deadline) throw err
      onRetry?.(attempt, err, delayMs)
      await sleep(delayMs)
    }
  }
}

/** An HTTP date as servers send it (IMF-fixdate, RFC 9110): `Wed, 01 Jan 2025 00:00:05 GMT`. */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Parses a Retry-After header (delta-seconds or an HTTP date) into ms from `now`; anything else counts as absent. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // Date.parse alone is lenient ("1.5", "-1" are dates to it): only a real HTTP date counts
  if (!HTTP_DATE.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
