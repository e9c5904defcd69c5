/**
 * The action's post step as a function: dist/post.cjs (src/entry-post.ts) calls it. Importing it does nothing.
 */
import { runPostAction } from './action/post.js'
import { githubInput, githubPlatform } from './platforms/github.js'
import { errorMessage } from './lib/errors.js'

export async function run(): Promise<void> {
  const platform = githubPlatform()
  try {
    await runPostAction(platform, githubInput)
  } catch (err) {
    // like every other failure of the post step: a warning, never a job failure
    platform.log.warning(`vault-oidc-action: the post step failed unexpectedly: ${errorMessage(err)}`)
  }
}
