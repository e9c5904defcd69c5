/** Logs in with the configured auth method (one strategy each: ./auth-methods) and returns a Vault token. */
import { InputError, VaultOidcError, VaultResponseError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import type { Logger } from '../lib/log.js'
import { withRetry } from '../lib/retry.js'
import type { AuthInfo, VaultClient } from '../vault/client.js'
import { loginMethod, type LoginContext, type LoginRequest } from './auth-methods/index.js'
import type { AuthConfig } from './config.js'
import type { TokenSource } from './ports.js'

export { BUILTIN_METHODS } from './auth-methods/index.js'

export interface LoginResult {
  readonly token: string
  /** True when we obtained the token by logging in (so we own it and revoke it); false for method "token". */
  readonly loggedIn: boolean
  readonly info?: AuthInfo
}

export interface LoginOptions {
  readonly vault: VaultClient
  readonly auth: AuthConfig
  /** Required for jwt (unless authPayload supplies the jwt). */
  readonly tokenSource?: TokenSource
  readonly log: Logger
  /** Called with every secret the login handles (JWTs, secret ids, the Vault token) before it can be logged. */
  readonly mask: (secret: string) => void
  /** Names of the inputs, so messages point at what the user writes (action: camelCase; CLI: --flags). */
  readonly inputName?: InputNamer
}

export async function login(options: LoginOptions): Promise<LoginResult> {
  const { auth, vault } = options
  const inputName = options.inputName ?? actionInputName
  if (auth.method === 'token') {
    if (!auth.token)
      throw new InputError(inputName('token'), `is required when "${inputName('method')}" is token (or choose another method)`)
    options.mask(auth.token)
    return { token: auth.token, loggedIn: false }
  }
  const ctx: LoginContext = {
    auth,
    vault,
    mask: options.mask,
    inputName,
    ...(options.tokenSource ? { tokenSource: options.tokenSource } : {}),
  }
  const method = loginMethod(auth.method)
  const payload = auth.authPayload
  const build =
    payload && method.acceptsPayload
      ? async (): Promise<LoginRequest> => ({ apiPath: `auth/${auth.path}/login`, body: payload })
      : await method.prepare(ctx)
  let lastJwt: string | undefined
  try {
    const info = await withRetry(
      async () => {
        const req = await build()
        lastJwt = req.jwt
        return vault.login(req.apiPath, req.body, false)
      },
      vault.http.retryPolicy,
      (attempt, err, delayMs) =>
        options.log.info(`login attempt ${attempt} failed (${(err as Error).message}); retrying in ${Math.round(delayMs)} ms`),
    )
    options.mask(info.clientToken)
    options.log.debug(
      `logged in with ${auth.method} at auth/${auth.path}; policies: ${info.policies.join(', ') || '(none)'}; ttl ${info.leaseDuration}s`,
    )
    return { token: info.clientToken, loggedIn: true, info }
  } catch (err) {
    if (!(err instanceof VaultResponseError) || err.status >= 500) throw err
    const said = err.vaultErrors.join('; ') || `HTTP ${err.status}`
    throw new VaultOidcError(method.refused(ctx, { status: err.status, said, ...(lastJwt !== undefined ? { jwt: lastJwt } : {}) }))
  }
}
