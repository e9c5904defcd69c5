/** Bitbucket Pipelines: $BITBUCKET_STEP_OIDC_TOKEN in steps with "oidc: true"; audiences are set in the pipeline file. */
import { envTokenSource } from '../../token-sources/ci.js'
import type { CiPlatform } from './types.js'

export const bitbucket: CiPlatform = {
  name: 'bitbucket',
  title: 'Bitbucket Pipelines',
  detect: (env) => env.BITBUCKET_BUILD_NUMBER !== undefined || env.BITBUCKET_PIPELINE_UUID !== undefined,
  tokenSource: ({ env }) => envTokenSource('Bitbucket OIDC token', ['BITBUCKET_STEP_OIDC_TOKEN'], env, 'Add "oidc: true" to the step.'),
  fixedAudience: 'set it in bitbucket-pipelines.yml with "oidc: { audiences: [...] }"',
  claims: ['repositoryUuid', 'branchName', 'deploymentEnvironmentUuid'],
}
