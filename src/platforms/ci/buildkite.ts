/**
 * Buildkite: the OIDC token from `buildkite-agent oidc request-token` (with --audience). Every secret (and its lines and JSON forms) is registered with `buildkite-agent redactor add`
 * before it is written or used, all in one call with the values as a JSON object on stdin (never argv).
 * An agent without the redactor gets a one-line note; the values are then written anyway, unredacted.
 */
import type { Masker, TokenSource } from '../../core/ports.js'
import type { Logger } from '../../lib/log.js'
import { findExecutable, runCommand } from '../../lib/process.js'
import { commandTokenSource } from '../../token-sources/command.js'
import type { CiPlatform } from './types.js'

function buildkiteRedactor(env: NodeJS.ProcessEnv, log: Logger): Masker & { readonly redacted: () => number } {
  const pending = new Set<string>()
  let redacted = 0
  let supported = true
  return {
    masks: true,
    redacted: () => redacted,
    mask(value) {
      if (value !== '') pending.add(value)
    },
    async flush() {
      if (pending.size === 0 || !supported) return
      const values = [...pending]
      pending.clear()
      const agent = findExecutable('buildkite-agent', env)
      if (!agent) return unsupported('buildkite-agent is not on PATH')
      const input = JSON.stringify(Object.fromEntries(values.map((v, i) => [`vault-oidc-${i + 1}`, v])))
      const result = await runCommand(agent, ['redactor', 'add', '--format', 'json'], { env, input }).catch((err: Error) => ({
        code: -1,
        stdout: '',
        stderr: err.message,
      }))
      if (result.code !== 0) {
        // the agent's own complaint may echo its input (our values, perhaps cut short): name the cause, never quote it
        const missing = /no help topic|unknown (command|subcommand)|flag provided but not defined/i.test(result.stderr)
        return unsupported(
          `"buildkite-agent redactor add" failed (exit ${result.code})${missing ? ': this agent has no such command' : ''}`,
        )
      }
      redacted += values.length
      log.debug(`registered ${values.length} value(s) with the Buildkite redactor`)
    },
  }
  function unsupported(why: string): void {
    supported = false
    log.warning(
      `${why}: the values are NOT redacted from the Buildkite log (needs a buildkite-agent that has "redactor add --format json"). vault-oidc never prints them; make sure your commands don't either.`,
    )
  }
}

function buildkiteTokenSource(env: NodeJS.ProcessEnv, audience: string | undefined): TokenSource {
  return commandTokenSource(
    `Buildkite OIDC token${audience ? ` (audience "${audience}")` : ''}`,
    findExecutable('buildkite-agent', env) ?? 'buildkite-agent',
    ['oidc', 'request-token', ...(audience ? ['--audience', audience] : [])],
    env,
    'Run this inside a Buildkite job (buildkite-agent must be on PATH and BUILDKITE_JOB_ID / the agent token set).',
  )
}

export const buildkite: CiPlatform = {
  name: 'buildkite',
  title: 'Buildkite',
  detect: (env) => env.BUILDKITE === 'true',
  tokenSource: ({ env, audience }) => buildkiteTokenSource(env, audience),
  masker: (env, log) => buildkiteRedactor(env, log),
  claims: ['organization_slug', 'pipeline_slug', 'build_branch'],
}
