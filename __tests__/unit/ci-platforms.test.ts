/** The CI registry: every CI is detected from the variables it sets, by itself alone, and reachable by --jwt-source. */
import { describe, expect, it } from '@jest/globals'
import { CI_PLATFORMS, detectPlatform, GENERIC, KNOWN_CLAIMS } from '../../src/platforms/ci/index.js'
import { JWT_SOURCES } from '../../src/cli/sources.js'

/** What each CI sets in every job (README, "Other CI systems"). */
const MARKERS: Record<string, NodeJS.ProcessEnv> = {
  github: { GITHUB_ACTIONS: 'true' },
  gitlab: { GITLAB_CI: 'true' },
  circleci: { CIRCLECI: 'true' },
  semaphore: { SEMAPHORE: 'true' },
  bitbucket: { BITBUCKET_BUILD_NUMBER: '7' },
  buildkite: { BUILDKITE: 'true' },
  azure: { TF_BUILD: 'True' },
}

describe('the CI registry', () => {
  it('detects each CI from its own variables, and nothing else from them', () => {
    expect(CI_PLATFORMS.map((p) => p.name).sort()).toEqual(Object.keys(MARKERS).sort())
    for (const [name, env] of Object.entries(MARKERS)) {
      expect([name, detectPlatform(env).name]).toEqual([name, name])
      expect([name, CI_PLATFORMS.filter((p) => p.detect(env)).map((p) => p.name)]).toEqual([name, [name]])
    }
    expect(detectPlatform({ CI: 'true', PATH: '/usr/bin' })).toBe(GENERIC)
  })

  it('offers every CI token and the other sources as --jwt-source, each once', () => {
    expect(JWT_SOURCES).toEqual([
      'github',
      'gitlab',
      'circleci',
      'semaphore',
      'bitbucket',
      'buildkite',
      'azure',
      'kubernetes',
      'env',
      'file',
      'stdin',
      'oauth2',
    ])
  })

  it("shows every CI's identity claims for a token of unknown origin, each once", () => {
    for (const p of CI_PLATFORMS) for (const claim of p.claims) expect(KNOWN_CLAIMS).toContain(claim)
    expect(new Set(KNOWN_CLAIMS).size).toBe(KNOWN_CLAIMS.length)
    expect(KNOWN_CLAIMS).toEqual(
      expect.arrayContaining(['repository', 'project_path', 'oidc.circleci.com/project-id', 'organization_slug', 'repositoryUuid']),
    )
  })
})
