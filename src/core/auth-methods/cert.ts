/** TLS certificate auth: the client certificate of the connection is the credential; role names the cert role. */
import { loginPath, rejected, type LoginMethod } from './types.js'

export const cert: LoginMethod = {
  acceptsPayload: true,
  async prepare(ctx) {
    const body = ctx.auth.role ? { name: ctx.auth.role } : {}
    return async () => ({ apiPath: loginPath(ctx.auth), body })
  },
  refused: (ctx, refusal) =>
    rejected(
      ctx,
      refusal,
      `check that the client certificate ("${ctx.inputName('clientCertificate')}"/"${ctx.inputName('clientKey')}") is trusted by a cert role on this mount.`,
    ),
}
