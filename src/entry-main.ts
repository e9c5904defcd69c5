import { runAction } from './action/main.js'
import { errorMessage } from './core/errors.js'
import { githubInput, githubPlatform } from './platforms/github.js'

const platform = githubPlatform()
let failed = false
/** A failure outside the step's own error handling: still one ::error:: and the errorMessage output, then stop. */
function fail(err: unknown): void {
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
process.on('uncaughtException', (err) => {
  fail(err)
  process.exit(1) // the run cannot be trusted to finish (or to export) after this
})
process.on('unhandledRejection', (err) => {
  fail(err)
  process.exit(1)
})
runAction(platform, githubInput, process.env).catch(fail)
