/**
 * OIDC tokens handed to a job as a variable, a file or stdin (the building blocks of the CI modules in
 * src/platforms/ci, and the CLI's --jwt-env / --jwt-file / --jwt-stdin). Each fetch() reads the token afresh
 * (the login calls it before every attempt), except stdin, which can be read only once.
 */
import { readFile } from 'node:fs/promises'
import { InputError, VaultOidcError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { safeClaims } from '../core/jwt-diagnostics.js'
import type { TokenSource } from '../core/ports.js'

/** The first non-empty variable of `names`. */
export function envTokenSource(description: string, names: readonly string[], env: NodeJS.ProcessEnv, hint: string): TokenSource {
  return {
    description,
    async fetch() {
      for (const name of names) {
        const v = env[name]?.trim()
        if (v) return v
      }
      throw new VaultOidcError(`no ${description}: ${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} not set or empty. ${hint}`)
    },
  }
}

export function fileTokenSource(description: string, path: string, flag: string): TokenSource {
  return {
    description,
    async fetch() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (err) {
        throw new InputError(flag, `cannot read the token file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      }
      const jwt = text.trim()
      if (jwt === '') throw new InputError(flag, `the token file ${path} is empty`)
      return jwt
    },
  }
}

/** stdin is read once; every login attempt reuses that token. */
export function stdinTokenSource(read: () => Promise<string>): TokenSource {
  let token: Promise<string> | undefined
  return {
    description: 'JWT from stdin',
    async fetch() {
      token ??= read().then((t) => {
        const jwt = t.trim()
        if (jwt === '')
          throw new InputError('--jwt-stdin', 'stdin was empty; pipe the JWT in, e.g. `print-token | vault-oidc --jwt-stdin …`')
        return jwt
      })
      return token
    },
  }
}

/**
 * Tokens whose audience is fixed in the pipeline file (GitLab, Bitbucket) or by the platform (CircleCI env tokens,
 * Semaphore, Azure): when --audience is given and the token says otherwise, warn once, with where to change it.
 */
export function checkingAudience(source: TokenSource, audience: string | undefined, log: Logger, whereToSet: string): TokenSource {
  if (!audience) return source
  let warned = false
  return {
    description: source.description,
    async fetch(o) {
      const jwt = await source.fetch(o)
      const aud = safeClaims(jwt).aud
      const auds = Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : []
      if (!warned && auds.length > 0 && !auds.includes(audience)) {
        warned = true
        log.warning(`the ${source.description} has aud ${JSON.stringify(aud)}, not --audience "${audience}"; ${whereToSet}`)
      }
      return jwt
    },
  }
}
