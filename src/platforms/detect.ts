/** Which CI the process runs in, from the variables each CI sets in every job (see README, "Other CI systems"). */
export const PLATFORMS = ['github', 'gitlab', 'circleci', 'semaphore', 'bitbucket', 'buildkite', 'azure', 'generic'] as const
export type PlatformName = (typeof PLATFORMS)[number]

export const PLATFORM_TITLES: Readonly<Record<PlatformName, string>> = {
  github: 'GitHub Actions',
  gitlab: 'GitLab CI',
  circleci: 'CircleCI',
  semaphore: 'Semaphore',
  bitbucket: 'Bitbucket Pipelines',
  buildkite: 'Buildkite',
  azure: 'Azure DevOps',
  generic: 'this environment',
}

export function detectPlatform(env: NodeJS.ProcessEnv): PlatformName {
  if (env.GITHUB_ACTIONS === 'true') return 'github'
  if (env.GITLAB_CI === 'true') return 'gitlab'
  if (env.CIRCLECI === 'true') return 'circleci'
  if (env.SEMAPHORE === 'true') return 'semaphore'
  if (env.BITBUCKET_BUILD_NUMBER !== undefined || env.BITBUCKET_PIPELINE_UUID !== undefined) return 'bitbucket'
  if (env.BUILDKITE === 'true') return 'buildkite'
  if (env.TF_BUILD?.toLowerCase() === 'true') return 'azure'
  return 'generic'
}
