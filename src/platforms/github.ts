/**
 * The GitHub Actions adapter: the only module that imports @actions/core.
 * Masks via ::add-mask::, exports via GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE files, summary via GITHUB_STEP_SUMMARY.
 */
import * as core from '@actions/core'
import type { Logger } from '../lib/log.js'
import type { Platform } from './types.js'

/**
 * Log lines written in one turn of the event loop go out in one write: stdout is a blocking pipe to the runner,
 * and a line per read (debug) would otherwise cost a syscall and a runner wake-up each. Order is kept (everything
 * goes through process.stdout) and setImmediate flushes before the next turn, so a hang still shows every line.
 * Nothing happens until the first line: then stdout is corked, and an exit hook makes sure a crash loses none.
 */
interface StdoutBatch {
  batched(write: (m: string) => void): (m: string) => void
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
  return {
    flush,
    batched: (write) => (m) => {
      if (!corked) {
        corked = true
        process.stdout.cork()
        setImmediate(flush)
        if (!hooked) {
          hooked = true
          process.once('exit', flush)
        }
      }
      write(m)
    },
  }
}

/** The action's logger: workflow commands on stdout through @actions/core, batched per event-loop turn. */
function githubLogger(batch: StdoutBatch): Logger {
  return {
    debug: batch.batched((m) => core.debug(m)),
    info: batch.batched((m) => core.info(m)),
    warning: batch.batched((m) => core.warning(m)),
    error: batch.batched((m) => core.error(m)),
    isDebug: () => core.isDebug(),
  }
}

export function githubPlatform(): Platform {
  const batch = stdoutBatch()
  return {
    name: 'github',
    log: githubLogger(batch),
    mask(value) {
      core.setSecret(value)
      batch.flush() // a mask goes out at once, with any log line held back before it
    },
    maskAll(values) {
      // one write for all ::add-mask:: lines instead of a blocking pipe write each (~0.1 ms apiece on a runner)
      process.stdout.cork()
      try {
        for (const value of values) core.setSecret(value)
      } finally {
        process.stdout.uncork()
        batch.flush()
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
