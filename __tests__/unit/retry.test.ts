import { describe, expect, it } from '@jest/globals'
import { DeadlineError, NetworkError, VaultOidcError, VaultResponseError } from '../../src/lib/errors.js'
import { isRetryable, parseRetryAfter, withRetry, type RetryPolicy } from '../../src/lib/retry.js'

/** A policy whose sleeps are recorded instead of waited, and whose jitter is fixed. */
function recordingPolicy(attempts: number, random: number, o: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  const slept: number[] = []
  return { attempts, baseDelayMs: 100, maxDelayMs: 1000, random: () => random, sleep: async (ms) => void slept.push(ms), slept, ...o }
}

const status = (s: number, retryAfterMs?: number) => new VaultResponseError(`HTTP ${s}`, s, [], retryAfterMs)

/** Runs withRetry over an operation that throws `errors` in turn, then succeeds. Returns calls made and the outcome. */
async function run(errors: unknown[], policy: RetryPolicy): Promise<{ calls: number[]; result: unknown }> {
  const calls: number[] = []
  const result = await withRetry(async (attempt) => {
    calls.push(attempt)
    const err = errors[attempt - 1]
    if (err !== undefined) throw err
    return 'ok'
  }, policy).catch((e: unknown) => e)
  return { calls, result }
}

describe('which failures are retried', () => {
  it.each([412, 429, 500, 502, 503, 504])('HTTP %i is retried', (s) => expect(isRetryable(status(s))).toBe(true))
  it.each([400, 401, 403, 404, 405, 501])('HTTP %i is never retried', (s) => expect(isRetryable(status(s))).toBe(false))
  it('network errors are retried unless fatal (TLS, cross-host redirect)', () => {
    expect(isRetryable(new NetworkError('reset', 'ECONNRESET'))).toBe(true)
    expect(isRetryable(new NetworkError('tls', 'CERT_HAS_EXPIRED', true))).toBe(false)
  })
  it('the deadline, our own errors and unknown errors are not retried', () => {
    expect(isRetryable(new DeadlineError('late'))).toBe(false)
    expect(isRetryable(new VaultOidcError('bad input'))).toBe(false)
    expect(isRetryable(new Error('boom'))).toBe(false)
  })
})

describe('withRetry', () => {
  it('retries a retryable failure and returns the later success, passing the attempt number', async () => {
    const policy = recordingPolicy(4, 0.5)
    expect(await run([status(503), new NetworkError('x', 'ECONNRESET')], policy)).toEqual({ calls: [1, 2, 3], result: 'ok' })
    expect(policy.slept).toHaveLength(2)
  })

  it('stops at once on a non-retryable failure', async () => {
    const policy = recordingPolicy(4, 0.5)
    const { calls, result } = await run([status(403)], policy)
    expect(calls).toEqual([1])
    expect((result as VaultResponseError).status).toBe(403)
    expect(policy.slept).toEqual([])
  })

  it('gives up after the configured number of attempts with the last error', async () => {
    const policy = recordingPolicy(3, 0.5)
    const { calls, result } = await run([status(500), status(502), status(504), status(503)], policy)
    expect(calls).toEqual([1, 2, 3])
    expect((result as VaultResponseError).status).toBe(504)
  })

  it('with attempts = 1 (retries: 0) tries once', async () => {
    expect((await run([status(503)], recordingPolicy(1, 0.5))).calls).toEqual([1])
  })

  it('full jitter: each delay is random() × min(max, base × 2^(attempt-1))', async () => {
    const errors = Array.from({ length: 6 }, () => status(503))
    const high = recordingPolicy(7, 0.999)
    await run(errors, high)
    const ceilings = [100, 200, 400, 800, 1000, 1000]
    expect(high.slept).toEqual(ceilings.map((c) => 0.999 * c))
    const low = recordingPolicy(7, 0)
    await run(errors, low)
    expect(low.slept).toEqual([0, 0, 0, 0, 0, 0])
  })

  it("waits at least the server's Retry-After, plus the jitter (throttled clients spread out), capped at the maximum delay", async () => {
    const policy = recordingPolicy(4, 0.5)
    await run([status(429, 700), status(503, 60_000), status(503, 0)], policy)
    expect(policy.slept).toEqual([700 + 0.5 * 100, 1000, 0 + 0.5 * 400])
  })

  it('with an overall deadline, Retry-After is honoured as asked, and a wait past the deadline is not started', async () => {
    let clock = 1_000
    const policy = recordingPolicy(4, 0.5, {
      deadline: 15_000,
      now: () => clock,
      sleep: async (ms) => void ((clock += ms), policy.slept.push(ms)),
    })
    const sealed = new VaultResponseError('HTTP 503: Vault is sealed', 503, ['Vault is sealed'], 12_000)
    const { calls, result } = await run([status(429, 5_000), sealed, status(503)], policy)
    expect(policy.slept).toEqual([5_000 + 0.5 * 100]) // the 12 s wait would end after the deadline: the real cause is reported
    expect(calls).toEqual([1, 2])
    expect(result).toBe(sealed)
  })

  it('reports each retry to the caller', async () => {
    const seen: Array<[number, number]> = []
    await withRetry(
      async (attempt) => {
        if (attempt < 3) throw status(502)
        return 'ok'
      },
      recordingPolicy(3, 0.5),
      (attempt, _err, delay) => seen.push([attempt, delay]),
    )
    expect(seen).toEqual([
      [1, 50],
      [2, 100],
    ])
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0)
  })
  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    // Date.parse would read these as dates (a 0 ms wait): they are not HTTP dates, so the jittered backoff applies
    for (const lenient of ['1.5', '-1', '5, 10', '2025-01-01']) expect(parseRetryAfter(lenient, now)).toBeUndefined()
  })
})
