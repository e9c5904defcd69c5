/**
 * Which JWT the CLI presents: --jwt-source, else what the flags imply (--oauth2-token-url, --jwt-file, --jwt-stdin,
 * --jwt-env), else the CI platform's own token. Only jwt/oidc logins (and `claims`) need one.
 */
import { existsSync } from 'node:fs'
import type { Config } from '../core/config.js'
import { VaultOidcError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import type { HttpClient } from '../http/client.js'
import { azureTokenSource } from '../token-sources/azure.js'
import { buildkiteTokenSource, checkingAudience, circleciTokenSource, envTokenSource, fileTokenSource, stdinTokenSource } from '../token-sources/ci.js'
import { githubIdTokenSource } from '../token-sources/github.js'
import { oauth2TokenSource } from '../token-sources/oauth2.js'
import { selfSignedJwtSource } from '../token-sources/self-signed.js'
import type { TokenSource } from '../core/ports.js'
import type { CliOptions, JwtSourceName } from './config.js'

const DEFAULT_GITLAB_JWT_ENV = 'VAULT_ID_TOKEN'

export interface SourceDeps {
  readonly env: NodeJS.ProcessEnv
  readonly log: Logger
  /** The HTTP client for token endpoints (created on first use). */
  readonly http: () => HttpClient
  readonly readStdin: () => Promise<string>
  readonly mask: (secret: string) => void
}

function needsJwt(config: Config, options: CliOptions): boolean {
  return options.command === 'claims' || config.auth.method === 'jwt' || config.auth.method === 'oidc'
}

export function chooseTokenSource(config: Config, options: CliOptions, deps: SourceDeps): TokenSource | undefined {
  if (!needsJwt(config, options)) return undefined
  const { auth } = config
  if (auth.jwtPrivateKey && options.jwtSource === undefined) return selfSignedJwtSource(auth.jwtPrivateKey, auth.jwtKeyPassword, auth.jwtTtlSeconds, deps.env, auth.jwtAudience, config.inputName)
  const name = options.jwtSource ?? implied(options) ?? byPlatform(options, auth.kubernetesTokenPath, deps.env)
  return build(name, config, options, deps)
}

function implied(options: CliOptions): JwtSourceName | undefined {
  if (options.oauth2) return 'oauth2'
  if (options.jwtFile) return 'file'
  if (options.jwtStdin) return 'stdin'
  if (options.jwtEnv) return options.platform === 'gitlab' ? 'gitlab' : 'env'
  return undefined
}

function byPlatform(options: CliOptions, kubernetesTokenPath: string, env: NodeJS.ProcessEnv): JwtSourceName {
  if (options.platform !== 'generic') return options.platform
  if (env.KUBERNETES_SERVICE_HOST && existsSync(kubernetesTokenPath)) return 'kubernetes'
  throw new VaultOidcError(
    'no OIDC token source detected (not GitHub Actions, GitLab CI, CircleCI, Semaphore, Bitbucket, Buildkite, Azure DevOps or a Kubernetes pod): ' +
      'give the JWT with --jwt-env NAME, --jwt-file PATH or --jwt-stdin, use --oauth2-token-url, or choose another --method',
  )
}

function build(name: JwtSourceName, config: Config, options: CliOptions, deps: SourceDeps): TokenSource {
  const audience = config.auth.jwtAudience
  const { env, log } = deps
  switch (name) {
    case 'github':
      return githubIdTokenSource(deps.http(), env, audience, deps.mask)
    case 'gitlab': {
      const variable = options.jwtEnv ?? DEFAULT_GITLAB_JWT_ENV
      const source = envTokenSource(`GitLab ID token ($${variable})`, [variable], env, `Declare it in the job: "id_tokens: { ${variable}: { aud: <your Vault role's bound_audiences> } }"${options.jwtEnv ? '' : ', or name your variable with --jwt-env'}.`)
      return checkingAudience(source, audience, log, 'GitLab sets the audience in the job\'s id_tokens: (aud:), not on the command line')
    }
    case 'circleci':
      return circleciTokenSource(env, audience, log)
    case 'semaphore':
      return checkingAudience(envTokenSource('Semaphore OIDC token', ['SEMAPHORE_OIDC_TOKEN'], env, 'Semaphore sets it in every job on plans with OIDC.'), audience, log, 'Semaphore tokens have a fixed aud (https://<org>.semaphoreci.com): bind that in the role')
    case 'bitbucket':
      return checkingAudience(envTokenSource('Bitbucket OIDC token', ['BITBUCKET_STEP_OIDC_TOKEN'], env, 'Add "oidc: true" to the step.'), audience, log, 'set it in bitbucket-pipelines.yml with "oidc: { audiences: [...] }"')
    case 'buildkite':
      return buildkiteTokenSource(env, audience)
    case 'azure':
      return checkingAudience(azureTokenSource(deps.http(), env), audience, log, 'Azure DevOps tokens always have aud api://AzureADTokenExchange: bind exactly that')
    case 'kubernetes':
      return checkingAudience(fileTokenSource('Kubernetes service-account token', config.auth.kubernetesTokenPath, '--kubernetes-token-path'), audience, log, 'set the audience of the projected serviceAccountToken volume')
    case 'env': {
      const variable = options.jwtEnv
      if (!variable) throw new VaultOidcError('--jwt-source env needs --jwt-env NAME')
      return checkingAudience(envTokenSource(`JWT from $${variable}`, [variable], env, `Set ${variable} to the token.`), audience, log, "the token's issuer decides its aud")
    }
    case 'file':
      if (!options.jwtFile) throw new VaultOidcError('--jwt-source file needs --jwt-file PATH')
      return checkingAudience(fileTokenSource(`JWT from ${options.jwtFile}`, options.jwtFile, '--jwt-file'), audience, log, "the token's issuer decides its aud")
    case 'stdin':
      return checkingAudience(stdinTokenSource(deps.readStdin), audience, log, "the token's issuer decides its aud")
    case 'oauth2':
      if (!options.oauth2) throw new VaultOidcError('--jwt-source oauth2 needs --oauth2-token-url, --oauth2-client-id and the client secret')
      deps.mask(options.oauth2.clientSecret)
      return oauth2TokenSource(deps.http(), { ...options.oauth2, ...(audience ? { audience } : {}) })
  }
}
