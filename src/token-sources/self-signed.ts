import { createPrivateKey } from 'node:crypto'
import { SignJWT } from 'jose'
import { InputError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import type { TokenSource } from '../core/ports.js'

/**
 * vault-action's `jwtPrivateKey`: sign our own RS256 JWT with iss "vault-action" and GitHub context claims.
 * The key is parsed once (a wrong key or password fails before any request).
 */
export function selfSignedJwtSource(
  pem: string,
  password: string | undefined,
  ttlSeconds: number,
  env: NodeJS.ProcessEnv,
  audience: string | undefined,
  inputName: InputNamer = actionInputName,
): TokenSource {
  let key
  try {
    key = createPrivateKey(password ? { key: pem, passphrase: password } : { key: pem })
  } catch (err) {
    throw new InputError(
      inputName('jwtPrivateKey'),
      `is not a usable PEM private key${password ? ` (or "${inputName('jwtKeyPassword')}" is wrong)` : ''}: ${(err as Error).message}`,
    )
  }
  return {
    description: 'self-signed JWT (jwtPrivateKey)',
    async fetch() {
      const now = Math.floor(Date.now() / 1000)
      const claims: Record<string, string> = {}
      for (const [claim, variable] of [
        ['event', 'GITHUB_EVENT_NAME'],
        ['workflow', 'GITHUB_WORKFLOW'],
        ['sha', 'GITHUB_SHA'],
        ['actor', 'GITHUB_ACTOR'],
        ['repository', 'GITHUB_REPOSITORY'],
        ['ref', 'GITHUB_REF'],
      ] as const) {
        const v = env[variable]
        if (v !== undefined) claims[claim] = v
      }
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuer('vault-action')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + ttlSeconds)
      if (audience) jwt.setAudience(audience)
      return jwt.sign(key)
    },
  }
}
