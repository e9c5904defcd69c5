import type { Logger } from '../core/log.js'

/** Where secrets go. Each CI platform adapts this; the core never touches @actions/core. */
export interface SecretSink {
  /** Registers a value with the platform's log masking; a no-op where the platform has none. */
  mask(value: string): void
  /** Registers many values at once (in one write where the platform can); without it, mask() each. */
  maskAll?(values: readonly string[]): void
  exportEnv(name: string, value: string): void
  setOutput(name: string, value: string): void
  /** false where the platform has no step outputs (setOutput is a no-op there, and the log does not count them). */
  readonly stepOutputs?: boolean
  /** Called once after every value was handed over (file sinks write here, all or nothing). */
  commit?(): Promise<void>
}

export interface Platform extends SecretSink {
  readonly name: string
  readonly log: Logger
  saveState(name: string, value: string): void
  getState(name: string): string
  writeSummary(markdown: string): Promise<void>
  setFailed(message: string): void
}
