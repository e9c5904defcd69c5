export declare const DIST: string

export interface RunnerResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** GITHUB_ENV, parsed. */
  readonly env: Record<string, string>
  /** GITHUB_OUTPUT, parsed. */
  readonly outputs: Record<string, string>
  /** GITHUB_STATE, parsed (pass it to the post step). */
  readonly state: Record<string, string>
  readonly summary: string
  /** Values registered with ::add-mask:: on stdout or stderr (unescaped). */
  readonly masks: string[]
  /** stdout without the ::add-mask:: commands: what could end up in the log. */
  readonly log: string
  /** stderr without the ::add-mask:: commands. */
  readonly errLog: string
  /** ms from spawn to exit */
  readonly elapsedMs: number
}

export interface RunOptions {
  readonly inputs?: Record<string, string>
  readonly env?: Record<string, string | undefined>
  /** GITHUB_STATE of the main step, handed to the post step as STATE_<name>. */
  readonly state?: Record<string, string>
  readonly timeoutMs?: number
}

export declare function runBundle(entry: 'main' | 'post' | 'cli', o?: RunOptions, args?: string[]): Promise<RunnerResult>
/** The runner's file-command format: NAME=value lines, or NAME<<DELIM / value lines / DELIM. */
export declare function parseFileCommand(text: string): Record<string, string>
/** Reverses @actions/core's command escaping (%25, %0D, %0A). */
export declare function unescapeCommand(s: string): string
/** What the runner prints for a log: every registered mask replaced by ***, longest first. */
export declare function applyMasks(text: string, masks: readonly string[]): string
/** Every value, and every line of it longer than `minLength`, that appears in `text` unmasked. */
export declare function leaks(text: string, values: readonly string[], minLength?: number): string[]
