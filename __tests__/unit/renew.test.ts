/** The exec renewer on a manual clock: when renewals are due, what a failure and a max TTL do, and stop(). */
import { describe, expect, it } from '@jest/globals'
import { startRenewer, type RenewTarget } from '../../src/core/renew.js'
import type { Logger } from '../../src/lib/log.js'

function harness() {
  let now = 0
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = []
  const lines: string[] = []
  const log: Logger = {
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    isDebug: () => true,
  }
  const setTimer = (fn: () => void, ms: number) => {
    const t = { at: now + ms, fn, live: true }
    timers.push(t)
    return { cancel: () => void (t.live = false) }
  }
  /** Advances the clock to `to`, firing due timers in order (and letting their promises settle). */
  const advance = async (to: number) => {
    for (;;) {
      const next = timers.filter((t) => t.live && t.at <= to).sort((a, b) => a.at - b.at)[0]
      if (!next) break
      next.live = false
      now = next.at
      next.fn()
      for (let i = 0; i < 5; i++) await Promise.resolve()
    }
    now = to
  }
  return { log, lines, setTimer, advance, now: () => now, pending: () => timers.filter((t) => t.live).length }
}

describe('exec renewer', () => {
  it('renews at about two thirds of the TTL, again and again, asking for the original TTL each time', async () => {
    const h = harness()
    const calls: Array<[number, number]> = []
    const target: RenewTarget = { label: 'lease db/creds/ro/…', ttl: 600, renew: async (inc) => (calls.push([h.now(), inc]), { ttl: 600 }) }
    const r = startRenewer([target], { log: h.log, now: h.now, random: () => 0.5, setTimer: h.setTimer })
    await h.advance(3_600_000)
    r.stop()
    expect(calls[0]).toEqual([390_000, 600])
    expect(calls.length).toBe(Math.floor(3_600_000 / 390_000))
    expect(calls.every(([, inc]) => inc === 600)).toBe(true)
    expect(h.lines).toContain('renewed lease db/creds/ro/…: TTL 600s')
  })

  it('a failing renewal is logged and retried before the lease ends, then reported as expired', async () => {
    const h = harness()
    let attempts = 0
    const target: RenewTarget = {
      label: 'the Vault token',
      ttl: 60,
      renew: async () => (attempts++, Promise.reject(new Error('HTTP 503'))),
    }
    startRenewer([target], { log: h.log, now: h.now, random: () => 0.5, setTimer: h.setTimer })
    await h.advance(120_000)
    expect(attempts).toBeGreaterThan(3)
    expect(h.lines[0]).toMatch(/^warning: could not renew the Vault token \(HTTP 503\); retrying in \d+s \(it expires in \d+s\)$/)
    expect(h.lines.at(-1)).toBe('warning: could not renew the Vault token (HTTP 503); it has expired')
    expect(h.pending()).toBe(0)
  })

  it('recovers after failures, and stops at the max TTL with one message', async () => {
    const h = harness()
    const answers = [new Error('ECONNRESET'), { ttl: 30 }, { ttl: 12 }]
    let calls = 0
    const target: RenewTarget = {
      label: 'lease db/creds/ro/…',
      ttl: 30,
      renew: async () => {
        const a = answers[calls++]
        if (a instanceof Error) throw a
        return a ?? { ttl: 0 }
      },
    }
    startRenewer([target], { log: h.log, now: h.now, random: () => 0, setTimer: h.setTimer })
    await h.advance(600_000)
    expect(calls).toBe(3)
    expect(h.lines.filter((l) => l.includes('max TTL'))).toEqual([
      'lease db/creds/ro/… reached its max TTL: it ends in 12s and cannot be renewed further',
    ])
    expect(h.pending()).toBe(0)
  })

  it('stop() cancels everything pending', async () => {
    const h = harness()
    let calls = 0
    const r = startRenewer([{ label: 'x', ttl: 10, renew: async () => (calls++, { ttl: 10 }) }], {
      log: h.log,
      now: h.now,
      random: () => 0,
      setTimer: h.setTimer,
    })
    r.stop()
    await h.advance(100_000)
    expect(calls).toBe(0)
  })
})
