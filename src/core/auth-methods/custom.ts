/** Any other auth method: authPayload is the login body, posted as given. */
import { InputError } from '../../lib/errors.js'
import { loginPath, rejected, type LoginMethod } from './types.js'

export function customMethod(builtin: readonly string[]): LoginMethod {
  return {
    async prepare(ctx) {
      const body = ctx.auth.authPayload
      if (!body) {
        throw new InputError(
          ctx.inputName('method'),
          `"${ctx.auth.method}" is not a built-in method (${builtin.join(', ')}); give its login body in "${ctx.inputName('authPayload')}"`,
        )
      }
      return async () => ({ apiPath: loginPath(ctx.auth), body })
    },
    refused: (ctx, refusal) => rejected(ctx, refusal, 'check the credentials for this method and the mount path.'),
  }
}
