/**
 * The core's ports: what the platform-neutral core needs from the outside, implemented by adapters
 * (src/token-sources, src/platforms, the CLI's sinks) and by the test fixtures.
 */
import type { InputNamer } from '../lib/input-names.js'

/** Where a JWT for Vault's jwt/oidc auth comes from. `fetch` is called before every login attempt. */
export interface TokenSource {
  /** For messages, e.g. "GitHub Actions ID token". Never contains the token. */
  readonly description: string
  /** Identity claims of this token worth showing when a login fails (iss, aud, sub and times always are). */
  readonly claims?: readonly string[]
  /** `deadline`: the run's overall deadline (epoch ms); `inputName`: how messages name an input. */
  fetch(options?: { readonly deadline?: number | undefined; readonly inputName?: InputNamer }): Promise<string>
}

/** Where secrets go. Each CI platform adapts this; the core never touches @actions/core. */
export interface SecretSink {
  /** Registers a value with the platform's log masking; a no-op where the platform has none. */
  mask(value: string): void
  /** Registers many values at once (in one write where the platform can); without it, mask() each. */
  maskAll?(values: readonly string[]): void
  exportEnv(name: string, value: string): void
  setOutput(name: string, value: string): void
  /** False where setOutput goes nowhere (the CLI's file and exec sinks): output names then cannot collide. */
  readonly hasOutputs?: boolean
  /** Called once after every value was handed over (file sinks write here, all or nothing). */
  commit?(): Promise<void>
}

/** Log masking of a platform: a no-op where there is none; flush() runs before any value is written or used. */
export interface Masker {
  /** False where the platform cannot hide values in its log (the CLI prints a one-line note). */
  readonly masks: boolean
  mask(value: string): void
  flush?(): Promise<void>
}
