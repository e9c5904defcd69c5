/** userpass and ldap: the username goes in the path, the password in the body. */
import { loginPath, rejected, required, type LoginMethod } from './types.js'

export const userpass: LoginMethod = {
  async prepare(ctx) {
    const username = required(ctx, 'username', ctx.auth.username)
    const password = required(ctx, 'password', ctx.auth.password)
    ctx.mask(password)
    return async () => ({ apiPath: `${loginPath(ctx.auth)}/${encodeURIComponent(username)}`, body: { password } })
  },
  refused: (ctx, refusal) => rejected(ctx, refusal, `check "${ctx.inputName('username')}" and "${ctx.inputName('password')}".`),
}
