/** Kubernetes: the pod's service-account token, re-read on every attempt (the kubelet rotates projected tokens). */
import { readFile } from 'node:fs/promises'
import { InputError } from '../../lib/errors.js'
import { jwtRefusal } from './jwt.js'
import { loginPath, type LoginMethod } from './types.js'

export const kubernetes: LoginMethod = {
  async prepare(ctx) {
    const { auth } = ctx
    return async () => {
      let jwt: string
      try {
        jwt = (await readFile(auth.kubernetesTokenPath, 'utf8')).trim()
      } catch (err) {
        throw new InputError(
          ctx.inputName('kubernetesTokenPath'),
          `cannot read the service-account token at ${auth.kubernetesTokenPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        )
      }
      ctx.mask(jwt)
      return { apiPath: loginPath(auth), body: { jwt, ...(auth.role ? { role: auth.role } : {}) } }
    }
  },
  // the service-account token's claims are not shown
  refused: (ctx, refusal) => jwtRefusal(ctx, refusal, undefined),
}
