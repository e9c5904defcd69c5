import type { IncomingHttpHeaders } from 'node:http'

export type Fault =
  /** Answer with this status (and body/headers, e.g. Location or Retry-After) instead of forwarding. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Close the connection without answering. */
  | { reset: 'before-response' }
  /** Forward, send the headers and half of the body (Content-Length promises all of it), then close. */
  | { reset: 'mid-response' }
  /** Forward, but send only the first half of the body with a matching Content-Length (complete but cut off). */
  | { truncate: true }
  /** Never answer. */
  | { hang: true }
  /** Wait this long more, then forward. */
  | { extraDelayMs: number }

export interface FaultRule {
  /** Matched against "METHOD /path?query"; default: every request. */
  readonly match?: RegExp
  /** How many matching requests get the fault; default: all of them. */
  times?: number
  readonly fault: Fault
}

export interface ProxiedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  /** The fault applied, if any. */
  readonly fault?: Fault
}

export interface FaultProxy {
  readonly url: string
  /** Every request received, in order. */
  readonly requests: ProxiedRequest[]
  /** Highest number of requests in flight at once. */
  readonly peakInFlight: number
  /** Added to every request before it is forwarded (or faulted). */
  delayMs: number
  /** Adds a rule; the oldest matching rule with uses left applies. */
  inject(rule: FaultRule): void
  /** Forgets the rules, the request log and the peak. */
  reset(): void
  close(): Promise<void>
}

/** A reverse proxy to `target` (an http:// origin) on a random loopback port. */
export declare function startFaultProxy(target: string, o?: { delayMs?: number }): Promise<FaultProxy>
