import { DeadlineError, NetworkError, VaultResponseError } from './errors.js'

/** Statuses Vault or a proxy in front of it answer when trying again can help. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 500, 502, 503, 504])

export interface RetryPolicy {
  /** Total attempts, including the first (retries + 1). */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Injected for tests: defaults are setTimeout and Math.random. */
  readonly sleep?: (ms: number) => Promise<void>
  readonly random?: () => number
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function isRetryable(err: unknown): boolean {
  if (err instanceof DeadlineError) return false
  if (err instanceof VaultResponseError) return RETRYABLE_STATUSES.has(err.status)
  if (err instanceof NetworkError) return !err.fatal
  return false
}

/**
 * Runs `op` until it succeeds, a non-retryable error occurs, or the attempts run out.
 * Waits with full-jitter exponential backoff, or for the server's Retry-After when it gave one.
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
      const delayMs = retryAfter !== undefined ? Math.min(retryAfter, policy.maxDelayMs) : random() * ceiling
      onRetry?.(attempt, err, delayMs)
      await sleep(delayMs)
    }
  }
}

/** Parses a Retry-After header (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
