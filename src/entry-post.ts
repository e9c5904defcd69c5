import { runPostAction } from './action/post.js'
import { errorMessage } from './lib/errors.js'
import { githubInput, githubPlatform } from './platforms/github.js'

const platform = githubPlatform()
runPostAction(platform, githubInput).catch((err: unknown) => {
  // like every other failure of the post step: a warning, never a job failure
  platform.log.warning(`vault-oidc-action: the post step failed unexpectedly: ${errorMessage(err)}`)
})
