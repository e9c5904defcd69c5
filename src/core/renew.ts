/**
 * Keeps a token and leases alive while `exec` runs its command (like Vault Agent and envconsul): each is renewed at
 * about two thirds of its TTL (with jitter); a failed renewal is logged and retried with backoff until the TTL
 * runs out; a lease whose max TTL caps the renewal is logged once and left to expire.
 */
import type { VaultClient } from '../vault/client.js'
import type { Logger } from '../lib/log.js'
import { untrusted } from '../lib/untrusted.js'

export interface RenewTarget {
  /** For the log: "the Vault token", "lease database/creds/ro/…" (never a token or a full lease id's secret part). */
  readonly label: string
  /** Seconds left when renewal starts. */
  readonly ttl: number
  /** Renews it by `increment` seconds; resolves to the TTL granted. */
  readonly renew: (incrementSeconds: number) => Promise<{ ttl: number }>
}

export interface RenewerOptions {
  readonly log: Logger
  /** Injected for tests. */
  readonly now?: () => number
  readonly random?: () => number
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void }
}

export interface Renewer {
  /** Stops every pending renewal (the command exited); in-flight requests are left to finish. */
  stop(): void
}

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(fn, ms)
  t.unref()
  return { cancel: () => clearTimeout(t) }
}

/** Fraction of the TTL after which a renewal is due: 0.6 to 0.7 (about two thirds, spread so renewals don't align). */
export function dueAfterMs(ttlSeconds: number, random: () => number): number {
  return Math.max(1000 * ttlSeconds * (0.6 + 0.1 * random()), 200)
}

export function startRenewer(targets: readonly RenewTarget[], o: RenewerOptions): Renewer {
  const now = o.now ?? Date.now
  const random = o.random ?? Math.random
  const setTimer = o.setTimer ?? defaultTimer
  const timers = new Set<{ cancel(): void }>()
  let stopped = false
  const later = (fn: () => void, ms: number): void => {
    if (stopped) return
    const t = setTimer(() => (timers.delete(t), fn()), ms)
    timers.add(t)
  }

  for (const target of targets) {
    // ask for the original TTL each time; an answer shorter than that means the max TTL caps it
    const increment = target.ttl
    let expiresAt = now() + target.ttl * 1000
    let failures = 0
    const attempt = async (): Promise<void> => {
      if (stopped) return
      try {
        const { ttl } = await target.renew(increment)
        if (stopped) return
        failures = 0
        expiresAt = now() + ttl * 1000
        o.log.info(`renewed ${target.label}: TTL ${ttl}s`)
        // Vault grants exactly the increment unless the max TTL cuts it short
        if (ttl < increment) {
          o.log.info(`${target.label} reached its max TTL: it ends in ${ttl}s and cannot be renewed further`)
          return
        }
        later(() => void attempt(), dueAfterMs(ttl, random))
      } catch (err) {
        if (stopped) return
        failures++
        const left = expiresAt - now()
        if (left <= 0) {
          o.log.warning(`could not renew ${target.label} (${(err as Error).message}); it has expired`)
          return
        }
        // backoff: 1 s, 2 s, 4 s … (half jitter), at most a third of what is left (at least 0.5 s) and a minute, so it is tried again before the end
        const wait = Math.max(Math.min(1000 * 2 ** (failures - 1) * (0.5 + random() / 2), left / 3, 60_000), 500)
        o.log.warning(
          `could not renew ${target.label} (${(err as Error).message}); retrying in ${Math.max(1, Math.round(wait / 1000))}s (it expires in ${Math.round(left / 1000)}s)`,
        )
        later(() => void attempt(), wait)
      }
    }
    if (target.ttl > 0) later(() => void attempt(), dueAfterMs(target.ttl, random))
  }

  return {
    stop() {
      stopped = true
      for (const t of timers) t.cancel()
      timers.clear()
    },
  }
}

/** The renewable things exec holds: its tokens (login, child) and every renewable lease. */
export function renewTargets(
  vault: Pick<VaultClient, 'renewSelf' | 'renewLease'>,
  tokens: ReadonlyArray<{ readonly label: string; readonly token: string; readonly ttl: number; readonly renewable: boolean }>,
  leases: ReadonlyArray<{ readonly id: string; readonly ttl: number; readonly renewable: boolean }>,
  leaseToken: string | undefined,
  log: Logger,
): RenewTarget[] {
  const out: RenewTarget[] = []
  for (const t of tokens) {
    if (!t.renewable || t.ttl <= 0) {
      log.debug(`${t.label} is not renewable${t.ttl <= 0 ? ' (no TTL)' : ''}; not renewed`)
      continue
    }
    out.push({ label: t.label, ttl: t.ttl, renew: (inc) => vault.renewSelf(t.token, inc) })
  }
  for (const l of leases) {
    const label = `lease ${untrusted(l.id.replace(/\/[^/]*$/, '/…'))}`
    if (!l.renewable || l.ttl <= 0 || !leaseToken) {
      log.debug(`${label} is not renewable; it ends in ${l.ttl}s`)
      continue
    }
    out.push({ label, ttl: l.ttl, renew: (inc) => vault.renewLease(leaseToken, l.id, inc) })
  }
  return out
}
