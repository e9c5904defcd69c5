/**
 * The GitHub Actions adapter: the only module that imports @actions/core.
 * Masks via ::add-mask::, exports via GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE files, summary via GITHUB_STEP_SUMMARY.
 */
import * as core from '@actions/core'
import type { Logger } from '../core/log.js'
import type { Platform } from './types.js'

let corked = false
/**
 * Log lines written in one turn of the event loop go out in one write: stdout is a blocking pipe to the runner,
 * and a line per read (debug) would otherwise cost a syscall and a runner wake-up each. Order is kept (everything
 * goes through process.stdout) and setImmediate flushes before the next turn, so a hang still shows every line.
 */
function batched(write: (m: string) => void): (m: string) => void {
  return (m) => {
    if (!corked) {
      corked = true
      process.stdout.cork()
      setImmediate(() => {
        corked = false
        process.stdout.uncork()
      })
    }
    write(m)
  }
}

export const githubLogger: Logger = {
  debug: batched((m) => core.debug(m)),
  info: batched((m) => core.info(m)),
  warning: batched((m) => core.warning(m)),
  error: batched((m) => core.error(m)),
  isDebug: () => core.isDebug(),
}

export function githubPlatform(): Platform {
  return {
    name: 'github',
    log: githubLogger,
    mask: (value) => core.setSecret(value),
    maskAll(values) {
      // one write for all ::add-mask:: lines instead of a blocking pipe write each (~0.1 ms apiece on a runner)
      process.stdout.cork()
      try {
        for (const value of values) core.setSecret(value)
      } finally {
        process.stdout.uncork()
      }
    },
    exportEnv: (name, value) => core.exportVariable(name, value),
    setOutput: (name, value) => core.setOutput(name, value),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    async writeSummary(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write()
    },
    setFailed: (message) => core.setFailed(message),
  }
}

/** The action's inputs, read the way the runner passes them (INPUT_<NAME>), trimmed. */
export function githubInput(name: string): string {
  return core.getInput(name)
}
