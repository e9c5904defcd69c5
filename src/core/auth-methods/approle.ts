/** AppRole: role_id and secret_id, or a response-wrapped secret_id that is checked and unwrapped once. */
import { VaultOidcError } from '../../lib/errors.js'
import { loginPath, rejected, required, type LoginContext, type LoginMethod } from './types.js'

export const approle: LoginMethod = {
  async prepare(ctx) {
    const roleId = required(ctx, 'roleId', ctx.auth.roleId)
    const secretId = ctx.auth.wrappedSecretId ? await unwrapSecretId(ctx, ctx.auth.wrappedSecretId) : ctx.auth.secretId
    if (secretId) ctx.mask(secretId)
    const body = { role_id: roleId, ...(secretId ? { secret_id: secretId } : {}) }
    return async () => ({ apiPath: loginPath(ctx.auth), body })
  },
  refused: (ctx, refusal) =>
    rejected(
      ctx,
      refusal,
      `check "${ctx.inputName('roleId')}" and "${ctx.inputName('secretId')}" (a secret_id expires and may be single-use).`,
    ),
}

/** A secret_id delivered as a response-wrapping token: check where it was created, then unwrap once. */
async function unwrapSecretId(ctx: LoginContext, wrapToken: string): Promise<string> {
  ctx.mask(wrapToken)
  const { creationPath } = await ctx.vault.wrappingLookup(wrapToken).catch((err: unknown) => {
    throw new VaultOidcError(`the wrapped secret_id token is not valid (already used or expired?): ${(err as Error).message}`)
  })
  const expected = new RegExp(`^auth/${escapeRegExp(ctx.auth.path)}/role/[^/]+/secret-id$`)
  if (!expected.test(creationPath)) {
    throw new VaultOidcError(
      `the wrapped secret_id was created at "${creationPath}", not at auth/${ctx.auth.path}/role/<role>/secret-id; refusing to unwrap it (it may have been tampered with)`,
    )
  }
  const data = (await ctx.vault.unwrap(wrapToken)) as { secret_id?: unknown } | undefined
  if (typeof data?.secret_id !== 'string') throw new VaultOidcError('the unwrapped response holds no secret_id')
  return data.secret_id
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
