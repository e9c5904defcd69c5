/**
 * OIDC tokens that CIs hand to a job as a variable, a file, stdin, or through their own helper command
 * (GitLab, CircleCI, Semaphore, Bitbucket, Buildkite, Kubernetes, generic). Each fetch() reads the token afresh
 * (the login calls it before every attempt), except stdin, which can be read only once.
 */
import { readFile } from 'node:fs/promises'
import { InputError, VaultOidcError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { safeClaims } from '../core/jwt-diagnostics.js'
import { findExecutable } from '../lib/process.js'
import { commandTokenSource } from './command.js'
import type { TokenSource } from '../core/ports.js'

/** The first non-empty variable of `names`. */
export function envTokenSource(description: string, names: readonly string[], env: NodeJS.ProcessEnv, hint: string): TokenSource {
  return {
    description,
    async fetch() {
      for (const name of names) {
        const v = env[name]?.trim()
        if (v) return v
      }
      throw new VaultOidcError(`no ${description}: ${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} not set or empty. ${hint}`)
    },
  }
}

export function fileTokenSource(description: string, path: string, flag: string): TokenSource {
  return {
    description,
    async fetch() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (err) {
        throw new InputError(flag, `cannot read the token file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      }
      const jwt = text.trim()
      if (jwt === '') throw new InputError(flag, `the token file ${path} is empty`)
      return jwt
    },
  }
}

/** stdin is read once; every login attempt reuses that token. */
export function stdinTokenSource(read: () => Promise<string>): TokenSource {
  let token: Promise<string> | undefined
  return {
    description: 'JWT from stdin',
    async fetch() {
      token ??= read().then((t) => {
        const jwt = t.trim()
        if (jwt === '') throw new InputError('--jwt-stdin', 'stdin was empty; pipe the JWT in, e.g. `print-token | vault-oidc --jwt-stdin …`')
        return jwt
      })
      return token
    },
  }
}

/**
 * CircleCI: with --audience, `circleci run oidc get --claims '{"aud":"…"}'` (the claims JSON holds no secret);
 * otherwise, or when the circleci CLI is missing, $CIRCLE_OIDC_TOKEN_V2 then $CIRCLE_OIDC_TOKEN (aud = org ID).
 */
export function circleciTokenSource(env: NodeJS.ProcessEnv, audience: string | undefined, log: Logger): TokenSource {
  const cli = audience ? findExecutable('circleci', env) : undefined
  if (audience && cli) {
    return commandTokenSource(`CircleCI OIDC token (audience "${audience}")`, cli, ['run', 'oidc', 'get', '--claims', JSON.stringify({ aud: audience })], env, 'Is this a CircleCI job with OIDC enabled?')
  }
  if (audience) log.warning(`--audience "${audience}" needs the circleci CLI ("circleci run oidc get"), which is not on PATH; using $CIRCLE_OIDC_TOKEN_V2, whose aud is your organization ID`)
  return envTokenSource('CircleCI OIDC token', ['CIRCLE_OIDC_TOKEN_V2', 'CIRCLE_OIDC_TOKEN'], env, 'Run this in a CircleCI job; forked PRs get no token unless "Pass secrets to builds from forked pull requests" is on.')
}

export function buildkiteTokenSource(env: NodeJS.ProcessEnv, audience: string | undefined): TokenSource {
  return commandTokenSource(
    `Buildkite OIDC token${audience ? ` (audience "${audience}")` : ''}`,
    findExecutable('buildkite-agent', env) ?? 'buildkite-agent',
    ['oidc', 'request-token', ...(audience ? ['--audience', audience] : [])],
    env,
    'Run this inside a Buildkite job (buildkite-agent must be on PATH and BUILDKITE_JOB_ID / the agent token set).',
  )
}

/**
 * Tokens whose audience is fixed in the pipeline file (GitLab, Bitbucket) or by the platform (CircleCI env tokens,
 * Semaphore, Azure): when --audience is given and the token says otherwise, warn once, with where to change it.
 */
export function checkingAudience(source: TokenSource, audience: string | undefined, log: Logger, whereToSet: string): TokenSource {
  if (!audience) return source
  let warned = false
  return {
    description: source.description,
    async fetch() {
      const jwt = await source.fetch()
      const aud = safeClaims(jwt).aud
      const auds = Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : []
      if (!warned && auds.length > 0 && !auds.includes(audience)) {
        warned = true
        log.warning(`the ${source.description} has aud ${JSON.stringify(aud)}, not --audience "${audience}"; ${whereToSet}`)
      }
      return jwt
    },
  }
}
