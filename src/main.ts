/**
 * The action's main step as a function: dist/main.cjs (src/entry-main.ts) calls it, and so does GitHub's local
 * runner for JavaScript actions (`npx @github/local-action run . src/main.ts .env`), which imports this file and
 * awaits run(). Importing it does nothing.
 */
import { runAction } from './action/main.js'
import { errorMessage } from './core/errors.js'
import { githubInput, githubPlatform } from './platforms/github.js'

export async function run(): Promise<void> {
  const platform = githubPlatform()
  try {
    await runAction(platform, githubInput, process.env)
  } catch (err) {
    // a failure outside the step's own error handling (e.g. a runner file that cannot be written)
    platform.setFailed(`vault-oidc-action: unexpected failure: ${errorMessage(err)}`)
  }
}
