/**
 * CircleCI: the OIDC token from the circleci CLI (with --audience) or $CIRCLE_OIDC_TOKEN_V2; `export` appends to
 * $BASH_ENV, which CircleCI sources before every later step. CircleCI cannot mask values fetched at runtime.
 */
import type { TokenSource } from '../../core/ports.js'
import { InputError } from '../../lib/errors.js'
import type { Logger } from '../../lib/log.js'
import { findExecutable } from '../../lib/process.js'
import { envTokenSource } from '../../token-sources/ci.js'
import { commandTokenSource } from '../../token-sources/command.js'
import { FileSink } from '../file.js'
import type { CiPlatform } from './types.js'

/**
 * CircleCI: with --audience, `circleci run oidc get --claims '{"aud":"…"}'` (the claims JSON holds no secret);
 * otherwise, or when the circleci CLI is missing, $CIRCLE_OIDC_TOKEN_V2 then $CIRCLE_OIDC_TOKEN (aud = org ID).
 */
function circleciTokenSource(env: NodeJS.ProcessEnv, audience: string | undefined, log: Logger): TokenSource {
  const cli = audience ? findExecutable('circleci', env) : undefined
  if (audience && cli) {
    return commandTokenSource(
      `CircleCI OIDC token (audience "${audience}")`,
      cli,
      ['run', 'oidc', 'get', '--claims', JSON.stringify({ aud: audience })],
      env,
      'Is this a CircleCI job with OIDC enabled?',
    )
  }
  if (audience)
    log.warning(
      `--audience "${audience}" needs the circleci CLI ("circleci run oidc get"), which is not on PATH; using $CIRCLE_OIDC_TOKEN_V2, whose aud is your organization ID`,
    )
  return envTokenSource(
    'CircleCI OIDC token',
    ['CIRCLE_OIDC_TOKEN_V2', 'CIRCLE_OIDC_TOKEN'],
    env,
    'Run this in a CircleCI job; forked PRs get no token unless "Pass secrets to builds from forked pull requests" is on.',
  )
}

export const circleci: CiPlatform = {
  name: 'circleci',
  title: 'CircleCI',
  detect: (env) => env.CIRCLECI === 'true',
  tokenSource: ({ env, audience, log }) => circleciTokenSource(env, audience, log),
  async defaultSink({ env, masker, log, stdout }) {
    const bashEnv = env.BASH_ENV
    if (!bashEnv)
      throw new InputError('--output', 'is required: $BASH_ENV is not set (CircleCI sets it in every job); or use "vault-oidc exec -- CMD"')
    return new FileSink({ path: bashEnv, format: 'shell', append: true, label: '$BASH_ENV' }, masker, log, stdout)
  },
  claims: ['oidc.circleci.com/project-id', 'oidc.circleci.com/context-ids', 'oidc.circleci.com/vcs-ref', 'oidc.circleci.com/vcs-origin'],
  helpExample: [
    'CircleCI: later steps see the variables (appended to $BASH_ENV)',
    'vault-oidc --role deploy --audience https://vault.example.com --secrets "secret/data/app *"',
  ],
}
