import { untrusted } from './untrusted.js'

/**
 * Every error the action or the CLI reports on purpose. `message` says what happened and what to do;
 * it never contains a secret value, a token or a JWT.
 */
export class VaultOidcError extends Error {
  override readonly name: string = 'VaultOidcError'
  constructor(message: string) {
    super(message)
  }
}

/** A bad input: names the input and what to fix. */
export class InputError extends VaultOidcError {
  override readonly name = 'InputError'
  constructor(
    readonly input: string,
    readonly detail: string,
  ) {
    super(`input "${input}": ${detail}`)
  }
}

/**
 * An answer from Vault that we could not accept (HTTP status >= 400 or an unusable body). Vault's error texts are
 * the server's data: the message and `vaultErrors` hold them neutralised (one line each, no log commands).
 */
export class VaultResponseError extends VaultOidcError {
  override readonly name = 'VaultResponseError'
  readonly vaultErrors: readonly string[]
  constructor(
    message: string,
    readonly status: number,
    vaultErrors: readonly string[],
    readonly retryAfterMs?: number,
  ) {
    super(untrusted(message))
    this.vaultErrors = vaultErrors.map((e) => untrusted(e))
  }
}

/** A transport failure: refused, reset, timed out, TLS, proxy. Retryable unless `fatal`. */
export class NetworkError extends VaultOidcError {
  override readonly name = 'NetworkError'
  constructor(
    message: string,
    readonly code: string,
    readonly fatal = false,
  ) {
    super(message)
  }
}

/** The overall deadline passed: never retried. */
export class DeadlineError extends VaultOidcError {
  override readonly name = 'DeadlineError'
}

/** The text of anything thrown; never throws itself (a thrown object may have a throwing toString, or none). */
export function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error)
      return typeof err.message === 'string' && err.message !== '' ? err.message : `${err.name || 'Error'} without a message`
    return typeof err === 'string' ? err : `unexpected failure: ${String(err)}`
  } catch {
    return 'unexpected failure (a value that cannot be printed was thrown)'
  }
}
