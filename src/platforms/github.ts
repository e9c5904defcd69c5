/**
 * The GitHub Actions adapter: the only module that imports @actions/core.
 * Masks via ::add-mask::, exports via GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE files, summary via GITHUB_STEP_SUMMARY.
 */
import * as core from '@actions/core'
import type { Logger } from '../core/log.js'
import type { Platform } from './types.js'

export const githubLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  isDebug: () => core.isDebug(),
}

export function githubPlatform(): Platform {
  return {
    name: 'github',
    log: githubLogger,
    mask: (value) => core.setSecret(value),
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
