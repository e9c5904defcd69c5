import { runAction } from './action/main.js'
import { errorMessage } from './lib/errors.js'
import { githubInput, githubPlatform } from './platforms/github.js'

const platform = githubPlatform()
runAction(platform, githubInput, process.env).catch((err: unknown) => {
  // a failure outside the step's own error handling (e.g. a runner file that cannot be written)
  platform.setFailed(`vault-oidc-action: unexpected failure: ${errorMessage(err)}`)
})
