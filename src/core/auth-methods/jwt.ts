/** jwt and oidc: a JWT from the token source (the CI's OIDC token, a self-signed one, …), fetched for every attempt. */
import { NetworkError, VaultOidcError, VaultResponseError } from '../../lib/errors.js'
import { explainJwtFailure } from '../jwt-diagnostics.js'
import { loginPath, type LoginContext, type LoginMethod, type Refusal } from './types.js'

export const jwt: LoginMethod = {
  acceptsPayload: true,
  async prepare(ctx) {
    const source = ctx.tokenSource
    if (!source)
      throw new VaultOidcError(
        `no source for the JWT: give "${ctx.inputName('jwtPrivateKey')}", or run where the CI provides an OIDC token`,
      )
    return async () => {
      let token: string
      try {
        token = await source.fetch({ deadline: ctx.vault.http.retryPolicy.deadline, inputName: ctx.inputName })
      } catch (err) {
        // the token source retries by itself; its HTTP failure is not Vault rejecting the login
        if (err instanceof VaultResponseError || err instanceof NetworkError)
          throw new VaultOidcError(`could not get the JWT (${source.description}): ${err.message}`)
        throw err
      }
      ctx.mask(token)
      return { apiPath: loginPath(ctx.auth), body: { jwt: token, ...(ctx.auth.role ? { role: ctx.auth.role } : {}) }, jwt: token }
    }
  },
  refused: (ctx, refusal) => jwtRefusal(ctx, refusal, refusal.jwt),
}

/** Vault's refusal of a JWT login, with the hints and (when `jwt` is given) the token's claims. */
export function jwtRefusal(ctx: LoginContext, refusal: Refusal, jwt: string | undefined): string {
  const context = {
    vaultMessage: refusal.said,
    status: refusal.status,
    role: ctx.auth.role,
    mount: ctx.auth.path,
    inputName: ctx.inputName,
  }
  return explainJwtFailure({ ...context, shownClaims: ctx.tokenSource?.claims ?? [] }, jwt)
}
