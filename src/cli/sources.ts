/**
 * Which JWT the CLI presents: --jwt-source, else what the flags imply (--oauth2-token-url, --jwt-file, --jwt-stdin,
 * --jwt-env), else the CI's own token (src/platforms/ci). Only jwt/oidc logins (and `claims`) need one.
 */
import { existsSync } from 'node:fs'
import type { Config } from '../core/config.js'
import type { TokenSource } from '../core/ports.js'
import type { HttpClient } from '../http/client.js'
import { VaultOidcError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { CI_PLATFORMS, GENERIC, KNOWN_CLAIMS } from '../platforms/ci/index.js'
import type { CiPlatform, TokenContext } from '../platforms/ci/types.js'
import { checkingAudience, envTokenSource, fileTokenSource, stdinTokenSource } from '../token-sources/ci.js'
import { oauth2TokenSource } from '../token-sources/oauth2.js'
import { selfSignedJwtSource } from '../token-sources/self-signed.js'
import type { CliOptions } from './config.js'

export interface SourceDeps {
  readonly env: NodeJS.ProcessEnv
  readonly log: Logger
  /** The HTTP client for token endpoints (created on first use). */
  readonly http: () => HttpClient
  readonly readStdin: () => Promise<string>
  readonly mask: (secret: string) => void
}

interface SourceContext extends TokenContext {
  readonly config: Pick<Config, 'auth'>
  readonly options: CliOptions
  readonly readStdin: () => Promise<string>
}

const ANY_AUDIENCE = "the token's issuer decides its aud"

/** Token sources that are not a CI's own, by --jwt-source name. */
const OTHER_SOURCES: Readonly<Record<string, (ctx: SourceContext) => TokenSource>> = {
  kubernetes: (ctx) =>
    checkingAudience(
      fileTokenSource('Kubernetes service-account token', ctx.config.auth.kubernetesTokenPath, '--kubernetes-token-path'),
      ctx.audience,
      ctx.log,
      'set the audience of the projected serviceAccountToken volume',
    ),
  env(ctx) {
    const variable = ctx.options.jwtEnv
    if (!variable) throw new VaultOidcError('--jwt-source env needs --jwt-env NAME')
    return checkingAudience(
      envTokenSource(`JWT from $${variable}`, [variable], ctx.env, `Set ${variable} to the token.`),
      ctx.audience,
      ctx.log,
      ANY_AUDIENCE,
    )
  },
  file(ctx) {
    const path = ctx.options.jwtFile
    if (!path) throw new VaultOidcError('--jwt-source file needs --jwt-file PATH')
    return checkingAudience(fileTokenSource(`JWT from ${path}`, path, '--jwt-file'), ctx.audience, ctx.log, ANY_AUDIENCE)
  },
  stdin: (ctx) => checkingAudience(stdinTokenSource(ctx.readStdin), ctx.audience, ctx.log, ANY_AUDIENCE),
  oauth2(ctx) {
    const oauth2 = ctx.options.oauth2
    if (!oauth2) throw new VaultOidcError('--jwt-source oauth2 needs --oauth2-token-url, --oauth2-client-id and the client secret')
    ctx.mask(oauth2.clientSecret)
    return oauth2TokenSource(ctx.http(), { ...oauth2, ...(ctx.audience ? { audience: ctx.audience } : {}) })
  },
}

/** Every --jwt-source: the CIs' own tokens, then the others. */
export const JWT_SOURCES: readonly string[] = [
  ...CI_PLATFORMS.filter((p) => p.tokenSource).map((p) => p.name),
  ...Object.keys(OTHER_SOURCES),
]

function needsJwt(config: Pick<Config, 'auth'>, options: CliOptions): boolean {
  return options.command === 'claims' || config.auth.method === 'jwt' || config.auth.method === 'oidc'
}

export function chooseTokenSource(
  config: Pick<Config, 'auth' | 'inputName'>,
  options: CliOptions,
  deps: SourceDeps,
): TokenSource | undefined {
  if (!needsJwt(config, options)) return undefined
  const { auth } = config
  if (auth.jwtPrivateKey && options.jwtSource === undefined) {
    return {
      ...selfSignedJwtSource(auth.jwtPrivateKey, auth.jwtKeyPassword, auth.jwtTtlSeconds, deps.env, auth.jwtAudience, config.inputName),
      claims: KNOWN_CLAIMS,
    }
  }
  const ctx: SourceContext = { ...deps, config, options, audience: auth.jwtAudience, jwtEnv: options.jwtEnv }
  const name = options.jwtSource ?? implied(options) ?? byPlatform(options.platform, auth.kubernetesTokenPath, deps.env)
  const other = OTHER_SOURCES[name]
  const source = other ? other(ctx) : ciSource(CI_PLATFORMS.find((p) => p.name === name) ?? GENERIC, ctx)
  // where a token comes from is not always known (--jwt-env, a file): show every CI's identity claims it has
  return { ...source, claims: KNOWN_CLAIMS }
}

function ciSource(platform: CiPlatform, ctx: SourceContext): TokenSource {
  if (!platform.tokenSource) throw new VaultOidcError(`${platform.title} has no OIDC token of its own`)
  const source = platform.tokenSource(ctx)
  return platform.fixedAudience ? checkingAudience(source, ctx.audience, ctx.log, platform.fixedAudience) : source
}

function implied(options: CliOptions): string | undefined {
  if (options.oauth2) return 'oauth2'
  if (options.jwtFile) return 'file'
  if (options.jwtStdin) return 'stdin'
  if (options.jwtEnv) return options.platform.readsJwtEnv ? options.platform.name : 'env'
  return undefined
}

function byPlatform(platform: CiPlatform, kubernetesTokenPath: string, env: NodeJS.ProcessEnv): string {
  if (platform.tokenSource) return platform.name
  if (env.KUBERNETES_SERVICE_HOST && existsSync(kubernetesTokenPath)) return 'kubernetes'
  throw new VaultOidcError(
    `no OIDC token source detected (not ${CI_PLATFORMS.map((p) => p.title).join(', ')} or a Kubernetes pod): ` +
      'give the JWT with --jwt-env NAME, --jwt-file PATH or --jwt-stdin, use --oauth2-token-url, or choose another --method',
  )
}
