/**
 * The action's inputs (vault-action's names and defaults, plus ours), validated once into a Config.
 * `get` returns the raw input ('' when unset); only the entry point passes @actions/core's getInput.
 */
import { InputError } from '../core/errors.js'
import { inputName } from '../core/input-names.js'
import { parsePkiSpec } from '../core/pki.js'
import { parseSecretsSpec } from '../core/spec.js'
import { BUILTIN_METHODS } from '../vault/auth.js'
import { readConnection, withValue, type InputReader } from './connection.js'
import { trimBoth } from '../core/trim.js'
import { optional, parseBool, parseEncoding, parseIntInRange, parseJsonObject, parsePem } from './parse.js'
import type { AuthConfig, Config } from './types.js'

export { readConnection, withValue, type InputReader }

export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

export function readActionConfig(get: InputReader): Config {
  const connection = readConnection(get)
  const secretsText = get('secrets')
  const pkiText = get('pki')
  if (secretsText.trim() !== '' && pkiText.trim() !== '') throw new InputError('pki', `cannot be combined with "${inputName('secrets')}" (as in vault-action): use two steps`)
  return {
    ...connection,
    secrets: parseSecretsSpec(secretsText, 'secrets'),
    pki: parsePkiSpec(pkiText, 'pki'),
    auth: readAuth(get),
    exportEnv: parseBool(get('exportEnv'), 'exportEnv', true),
    exportToken: parseBool(get('exportToken'), 'exportToken', false),
    outputToken: parseBool(get('outputToken'), 'outputToken', false),
    ...withValue('secretEncodingType', parseEncoding(get('secretEncodingType'), 'secretEncodingType')),
    ignoreNotFound: parseBool(get('ignoreNotFound'), 'ignoreNotFound', false),
    revokeToken: parseBool(get('revokeToken'), 'revokeToken', true),
    check: parseBool(get('check'), 'check', false),
  }
}

function readAuth(get: InputReader): AuthConfig {
  const method = (optional(get('method')) ?? 'token').toLowerCase()
  const authPayload = parseJsonObject(get('authPayload'), 'authPayload')
  if (!(BUILTIN_METHODS as readonly string[]).includes(method) && !authPayload) {
    throw new InputError('method', `"${method}" is not supported (${BUILTIN_METHODS.join(', ')}); for another auth method give its login body in "${inputName('authPayload')}"`)
  }
  const path = trimBoth(optional(get('path')) ?? method, '/')
  const jwtTtl = parseIntInRange(get('jwtTtl'), 'jwtTtl', 3600, 1, 31_536_000)
  return {
    method,
    path,
    kubernetesTokenPath: optional(get('kubernetesTokenPath')) ?? DEFAULT_KUBERNETES_TOKEN_PATH,
    jwtTtlSeconds: jwtTtl,
    ...withValue('role', optional(get('role'))),
    ...withValue('token', optional(get('token'))),
    ...withValue('roleId', optional(get('roleId'))),
    ...withValue('secretId', optional(get('secretId'))),
    ...withValue('wrappedSecretId', optional(get('wrappedSecretId'))),
    ...withValue('githubToken', optional(get('githubToken'))),
    ...withValue('username', optional(get('username'))),
    ...withValue('password', optional(get('password'))),
    ...withValue('authPayload', authPayload),
    ...withValue('jwtPrivateKey', parsePem(get('jwtPrivateKey'), 'jwtPrivateKey')),
    ...withValue('jwtKeyPassword', optional(get('jwtKeyPassword'))),
    ...withValue('jwtAudience', optional(get('jwtGithubAudience'))),
  }
}
