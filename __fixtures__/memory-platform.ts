/**
 * An in-memory Platform (src/platforms/types.ts) that records every call in order: masks, exports, outputs,
 * state, summary, failure and log lines. Lets tests run the action's main/post logic in-process and assert
 * what a runner would see, including ordering (a value is masked before it is exported).
 */
import type { Logger } from '../src/lib/log.js'
import type { Platform } from '../src/platforms/types.js'

export type EventKind = 'mask' | 'env' | 'output' | 'state' | 'summary' | 'failed' | 'debug' | 'info' | 'warning' | 'error'

export interface PlatformEvent {
  readonly kind: EventKind
  readonly name: string
  readonly value: string
}

export interface MemoryPlatform extends Platform {
  readonly events: PlatformEvent[]
  readonly env: Record<string, string>
  readonly outputs: Record<string, string>
  readonly state: Record<string, string>
  readonly masks: string[]
  /** The setFailed message, if any. */
  failed: string | undefined
  summary: string
  /** Log lines of one level (debug, info, warning, error). */
  lines(kind: 'debug' | 'info' | 'warning' | 'error'): string[]
  /** Everything written to the log, one line per message. */
  logText(): string
}

export function memoryPlatform(initialState: Record<string, string> = {}): MemoryPlatform {
  const events: PlatformEvent[] = []
  const record = (kind: EventKind, name: string, value: string): void => void events.push({ kind, name, value })
  const log: Logger = {
    debug: (m) => record('debug', '', m),
    info: (m) => record('info', '', m),
    warning: (m) => record('warning', '', m),
    error: (m) => record('error', '', m),
    isDebug: () => true,
  }
  const p: MemoryPlatform = {
    name: 'memory',
    log,
    events,
    env: {},
    outputs: {},
    state: { ...initialState },
    masks: [],
    failed: undefined,
    summary: '',
    mask(value) {
      record('mask', '', value)
      p.masks.push(value)
    },
    exportEnv(name, value) {
      record('env', name, value)
      p.env[name] = value
    },
    setOutput(name, value) {
      record('output', name, value)
      p.outputs[name] = value
    },
    saveState(name, value) {
      record('state', name, value)
      p.state[name] = value
    },
    getState: (name) => p.state[name] ?? '',
    async writeSummary(markdown) {
      record('summary', '', markdown)
      p.summary += markdown
    },
    setFailed(message) {
      record('failed', '', message)
      p.failed = message
    },
    lines: (kind) => events.filter((e) => e.kind === kind).map((e) => e.value),
    logText: () =>
      events
        .filter((e) => ['debug', 'info', 'warning', 'error', 'failed', 'summary'].includes(e.kind))
        .map((e) => e.value)
        .join('\n'),
  }
  return p
}
