import type { SecretSink } from '../core/ports.js'
import type { Logger } from '../lib/log.js'

/** The GitHub Action's platform: the sink, plus its log, step state, job summary and failure. */
export interface Platform extends SecretSink {
  readonly name: string
  readonly log: Logger
  saveState(name: string, value: string): void
  getState(name: string): string
  writeSummary(markdown: string): Promise<void>
  setFailed(message: string): void
}
