/** Every CI the CLI knows, in detection order; anything else is the generic environment (see README, "Other CI systems"). */
import { azure } from './azure.js'
import { bitbucket } from './bitbucket.js'
import { buildkite } from './buildkite.js'
import { circleci } from './circleci.js'
import { github } from './github.js'
import { gitlab } from './gitlab.js'
import { semaphore } from './semaphore.js'
import type { CiPlatform } from './types.js'

export type { CiPlatform } from './types.js'

export const CI_PLATFORMS: readonly CiPlatform[] = [github, gitlab, circleci, semaphore, bitbucket, buildkite, azure]

/** Outside a known CI: no token of its own, no masking, no default sink. */
export const GENERIC: CiPlatform = { name: 'generic', title: 'this environment', detect: () => true, claims: [] }

export function detectPlatform(env: NodeJS.ProcessEnv): CiPlatform {
  return CI_PLATFORMS.find((p) => p.detect(env)) ?? GENERIC
}

/** The identity claims of every known CI's token, for tokens whose origin is not known (--jwt-env, --jwt-file, …). */
export const KNOWN_CLAIMS: readonly string[] = [...new Set(CI_PLATFORMS.flatMap((p) => p.claims))]
