/**
 * A loopback reverse proxy that adds a fixed delay per request and injects faults (statuses, resets, truncation,
 * stalls, redirects). The implementation is plain ESM in scripts/lib/fault-proxy.mjs, shared with the benchmark.
 */
export { startFaultProxy } from '../scripts/lib/fault-proxy.mjs'
export type { Fault, FaultProxy, FaultRule, ProxiedRequest } from '../scripts/lib/fault-proxy.mjs'
