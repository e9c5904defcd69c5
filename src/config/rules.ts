/**
 * The rules that tie several settings together, shared by the action and the CLI. Each front-end reads its own
 * inputs or flags; these take the parsed values and the names to print (the action's inputs, or the CLI's flags).
 */
import { BUILTIN_METHODS } from '../core/login.js'
import { InputError } from '../lib/errors.js'
import { trimBoth } from '../lib/trim.js'

export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/** vault-action reads secrets or issues certificates, not both in one step. */
export function checkSecretsOrPki(secretsText: string, pkiText: string, names: { readonly secrets: string; readonly pki: string }): void {
  if (secretsText.trim() !== '' && pkiText.trim() !== '')
    throw new InputError(names.pki, `cannot be combined with "${names.secrets}" (as in vault-action): use two steps`)
}

/** A method that is not built in needs its login body. */
export function checkMethod(
  method: string,
  authPayload: Record<string, unknown> | undefined,
  names: { readonly method: string; readonly authPayload: string },
): void {
  if (!BUILTIN_METHODS.includes(method) && !authPayload) {
    throw new InputError(
      names.method,
      `"${method}" is not supported (${BUILTIN_METHODS.join(', ')}); for another auth method give its login body in "${names.authPayload}"`,
    )
  }
}

/** The auth mount: as given without surrounding slashes, else the method's name. */
export function authPath(given: string | undefined, method: string): string {
  return trimBoth(given ?? method, '/')
}
