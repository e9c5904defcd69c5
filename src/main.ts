/**
 * The action's main step as a function: dist/main.cjs (src/entry-main.ts) calls it, and so does GitHub's local
 * runner for JavaScript actions (`npx @github/local-action run . src/main.ts .env`), which imports this file and
 * awaits run(). Importing it does nothing.
 */
import { runAction } from './action/main.js'
import { githubInput, githubPlatform } from './platforms/github.js'
import { errorMessage } from './lib/errors.js'

export async function run(): Promise<void> {
  const platform = githubPlatform()
  let failed = false
  /** A failure outside the step's own error handling: still one ::error:: and the errorMessage output. */
  const fail = (err: unknown): void => {
    if (failed) return
    failed = true
    const message = `unexpected failure: ${errorMessage(err)}`
    try {
      platform.setOutput('errorMessage', message)
    } catch {
      // the output file itself may be what failed
    }
    platform.setFailed(`vault-oidc-action: ${message}`)
    if (process.env.SHOW_STACK_TRACE === 'true' && err instanceof Error && err.stack) platform.log.debug(err.stack)
  }
  // the run cannot be trusted to finish (or to export) after either of these
  const stop = (err: unknown): void => {
    fail(err)
    process.exit(1)
  }
  process.on('uncaughtException', stop)
  process.on('unhandledRejection', stop)
  try {
    await runAction(platform, githubInput, process.env)
  } catch (err) {
    fail(err)
  } finally {
    process.off('uncaughtException', stop)
    process.off('unhandledRejection', stop)
  }
}
