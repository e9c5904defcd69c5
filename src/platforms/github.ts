/**
 * The GitHub Actions adapter: the only module that imports @actions/core.
 * Masks via ::add-mask::, exports via GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE files, summary via GITHUB_STEP_SUMMARY.
 */
import * as core from '@actions/core'
import type { Logger } from '../lib/log.js'
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'
import { guardLines } from '../lib/untrusted.js'
import type { Platform } from './types.js'

/**
 * Log lines written in one turn of the event loop go out in one write: stdout is a blocking pipe to the runner,
 * and a line per read (debug) would otherwise cost a syscall and a runner wake-up each. Order is kept (everything
 * goes through process.stdout) and setImmediate flushes before the next turn, so a hang still shows every line.
 * Nothing happens until the first line: then stdout is corked, and an exit hook makes sure a crash loses none.
 */
interface StdoutBatch {
  batched(write: (m: string) => void): (m: string) => void
  /** Holds stdout back until the end of this event-loop turn (lines and masks then go out in one write). */
  hold(): void
  /** Writes out whatever log lines are held back. */
  flush(): void
}

function stdoutBatch(): StdoutBatch {
  let corked = false
  let hooked = false
  const flush = (): void => {
    if (!corked) return
    corked = false
    process.stdout.uncork()
  }
  const hold = (): void => {
    if (corked) return
    corked = true
    process.stdout.cork()
    setImmediate(flush)
    if (!hooked) {
      hooked = true
      process.once('exit', flush)
    }
  }
  return {
    flush,
    hold,
    batched: (write) => (m) => {
      hold()
      write(guardLines(m))
    },
  }
}

/**
 * The action's logger: workflow commands on stdout through @actions/core, batched per event-loop turn. Every
 * message is guarded (guardLines): no line of it can start a workflow command of its own.
 */
function githubLogger(batch: StdoutBatch): Logger {
  return {
    debug: batch.batched((m) => core.debug(m)),
    info: batch.batched((m) => core.info(m)),
    warning: batch.batched((m) => core.warning(m)),
    error: batch.batched((m) => core.error(m)),
    isDebug: () => core.isDebug(),
  }
}

/**
 * One GITHUB_ENV / GITHUB_OUTPUT entry in the runner's file-command format, as @actions/core writes it:
 * `NAME<<ghadelimiter_<uuid>`, the value, the delimiter.
 */
export function fileCommandEntry(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`the name or value of ${name} contains the file-command delimiter`)
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

/**
 * Variables and outputs are collected and written to GITHUB_ENV / GITHUB_OUTPUT in one append each at commit (or
 * before setFailed, for errorMessage). @actions/core's exportVariable also sets process.env[name], and glibc's
 * setenv scans and copies the whole environment each time: 100k keys took ~70 s (quadratic). This process never
 * reads what it exports, so nothing is set in its own environment.
 */
function fileCommands(): { add(command: 'ENV' | 'OUTPUT', name: string, value: string): void; flush(): void } {
  const pending = { ENV: [] as string[], OUTPUT: [] as string[] }
  return {
    add(command, name, value) {
      if (!process.env[`GITHUB_${command}`]) {
        // a runner without file commands: @actions/core falls back to the (deprecated) workflow commands
        if (command === 'ENV') core.exportVariable(name, value)
        else core.setOutput(name, value)
        return
      }
      pending[command].push(fileCommandEntry(name, value))
    },
    flush() {
      for (const command of ['ENV', 'OUTPUT'] as const) {
        if (pending[command].length === 0) continue
        const file = process.env[`GITHUB_${command}`] as string
        if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
        appendFileSync(file, pending[command].splice(0).join(''), { encoding: 'utf8' })
      }
    },
  }
}

export function githubPlatform(): Platform {
  const files = fileCommands()
  const batch = stdoutBatch()
  return {
    name: 'github',
    log: githubLogger(batch),
    mask(value) {
      core.setSecret(value)
      batch.flush() // a mask goes out at once, with any log line held back before it
    },
    maskAll(values) {
      // masks of values parsed in the same event-loop turn go out in one write, in order with the log lines
      // (the same stream), instead of a blocking pipe write each (~0.1 ms apiece on a runner)
      batch.hold()
      for (const value of values) core.setSecret(value)
    },
    exportEnv: (name, value) => files.add('ENV', name, value),
    setOutput: (name, value) => files.add('OUTPUT', name, value),
    async commit() {
      files.flush()
    },
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    async writeSummary(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write()
    },
    setFailed: (message) => {
      let unwritten = ''
      try {
        files.flush() // errorMessage
      } catch (err) {
        // the step fails either way; say why the errorMessage output is missing instead of throwing past the ::error::
        unwritten = ` (the errorMessage output could not be written: ${err instanceof Error ? err.message : String(err)})`
      }
      core.setFailed(guardLines(message + unwritten))
    },
  }
}

/** The action's inputs, read the way the runner passes them (INPUT_<NAME>), trimmed. */
export function githubInput(name: string): string {
  return core.getInput(name)
}
