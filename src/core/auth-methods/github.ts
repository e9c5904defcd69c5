/** GitHub auth method: a GitHub token (not the Actions OIDC token: that is jwt). */
import { loginPath, rejected, required, type LoginMethod } from './types.js'

export const github: LoginMethod = {
  async prepare(ctx) {
    const token = required(ctx, 'githubToken', ctx.auth.githubToken)
    ctx.mask(token)
    return async () => ({ apiPath: loginPath(ctx.auth), body: { token } })
  },
  refused: (ctx, refusal) => rejected(ctx, refusal, 'check the credentials for this method and the mount path.'),
}
