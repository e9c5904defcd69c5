/**
 * The GitHub Actions adapter: the only module that imports @actions/core.
 * Masks via ::add-mask::, exports via GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE files, summary via GITHUB_STEP_SUMMARY.
 */
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'
import type { Logger } from '../core/log.js'
import { guardLines } from '../core/untrusted.js'
import type { Platform } from './types.js'

let corked = false

/** Writes out whatever log lines are held back (see batched); also on exit, so a crash loses none of them. */
function flushStdout(): void {
  if (!corked) return
  corked = false
  process.stdout.uncork()
}
process.once('exit', flushStdout)

/**
 * Log lines written in one turn of the event loop go out in one write: stdout is a blocking pipe to the runner,
 * and a line per read (debug) would otherwise cost a syscall and a runner wake-up each. Order is kept (everything
 * goes through process.stdout) and setImmediate flushes before the next turn, so a hang still shows every line.
 */
function batched(write: (m: string) => void): (m: string) => void {
  return (m) => {
    holdStdout()
    write(guardLines(m))
  }
}

function holdStdout(): void {
  if (!corked) {
    corked = true
    process.stdout.cork()
    setImmediate(flushStdout)
  }
}

/**
 * The action's logger: workflow commands on stdout through @actions/core, batched per event-loop turn. Every
 * message is guarded (guardLines): no line of it can start a workflow command of its own.
 */
export const githubLogger: Logger = {
  debug: batched((m) => core.debug(m)),
  info: batched((m) => core.info(m)),
  warning: batched((m) => core.warning(m)),
  error: batched((m) => core.error(m)),
  isDebug: () => core.isDebug(),
}

/**
 * The runner reads workflow commands on stderr as well as stdout. The CLI writes its own there (its stdout may be
 * data: `--output -`, claims), and @actions/core cannot: it always writes to stdout. Escaping as the runner expects.
 */
export function workflowCommand(command: 'add-mask' | 'debug' | 'warning' | 'error', message: string): string {
  return `::${command}::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`
}

/** The CLI's logger on GitHub: the same annotations as the action's, written with `write` (stderr). */
export function githubCommandLogger(write: (text: string) => void): Logger {
  return {
    debug: (m) => write(workflowCommand('debug', guardLines(m))),
    info: (m) => write(`${guardLines(m)}\n`),
    warning: (m) => write(workflowCommand('warning', guardLines(m))),
    error: (m) => write(workflowCommand('error', guardLines(m))),
    isDebug: () => core.isDebug(),
  }
}

/**
 * One GITHUB_ENV / GITHUB_OUTPUT entry in the runner's file-command format, as @actions/core writes it:
 * `NAME<<ghadelimiter_<uuid>`, the value, the delimiter.
 */
export function fileCommandEntry(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`the name or value of ${name} contains the file-command delimiter`)
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
  return {
    name: 'github',
    log: githubLogger,
    mask(value) {
      core.setSecret(value)
      flushStdout() // a mask goes out at once, with any log line held back before it
    },
    maskAll(values) {
      // masks of values parsed in the same event-loop turn go out in one write, in order with the log lines
      // (the same stream), instead of a blocking pipe write each (~0.1 ms apiece on a runner)
      holdStdout()
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
