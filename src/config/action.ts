/**
 * The action's inputs (vault-action's names and defaults, plus ours), validated once into a Config.
 * `get` returns the raw input ('' when unset); only the entry point passes @actions/core's getInput.
 */
import { InputError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import { parsePkiSpec } from '../core/pki.js'
import { parseSecretsSpec } from '../core/spec.js'
import { BUILTIN_METHODS } from '../core/login.js'
import { readConnection, withValue, type InputReader } from './connection.js'
import { optional, parseBool, parseEncoding, parseIntInRange, parseJsonObject, parsePem } from './parse.js'
import type { AuthConfig, Config } from '../core/config.js'

export { readConnection, withValue, type InputReader }

export const DEFAULT_KUBERNETES_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/** `name` says how messages name an input (the CLI passes its flag names until it builds its own Config). */
export function readActionConfig(get: InputReader, name: InputNamer = actionInputName): Config {
  const connection = readConnection(get, name)
  const secretsText = get('secrets')
  const pkiText = get('pki')
  if (secretsText.trim() !== '' && pkiText.trim() !== '') throw new InputError(name('pki'), `cannot be combined with "${name('secrets')}" (as in vault-action): use two steps`)
  return {
    ...connection,
    secrets: parseSecretsSpec(secretsText, name('secrets')),
    pki: parsePkiSpec(pkiText, name('pki')),
    auth: readAuth(get, name),
    exportEnv: parseBool(get('exportEnv'), name('exportEnv'), true),
    exportToken: parseBool(get('exportToken'), name('exportToken'), false),
    outputToken: parseBool(get('outputToken'), name('outputToken'), false),
    ...withValue('secretEncodingType', parseEncoding(get('secretEncodingType'), name('secretEncodingType'))),
    ignoreNotFound: parseBool(get('ignoreNotFound'), name('ignoreNotFound'), false),
    revokeToken: parseBool(get('revokeToken'), name('revokeToken'), true),
    check: parseBool(get('check'), name('check'), false),
  }
}

function readAuth(get: InputReader, name: InputNamer): AuthConfig {
  const method = (optional(get('method')) ?? 'token').toLowerCase()
  const authPayload = parseJsonObject(get('authPayload'), name('authPayload'))
  if (!(BUILTIN_METHODS as readonly string[]).includes(method) && !authPayload) {
    throw new InputError(name('method'), `"${method}" is not supported (${BUILTIN_METHODS.join(', ')}); for another auth method give its login body in "${name('authPayload')}"`)
  }
  const path = (optional(get('path')) ?? method).replace(/^\/+|\/+$/g, '')
  const jwtTtl = parseIntInRange(get('jwtTtl'), name('jwtTtl'), 3600, 1, 31_536_000)
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
    ...withValue('jwtPrivateKey', parsePem(get('jwtPrivateKey'), name('jwtPrivateKey'))),
    ...withValue('jwtKeyPassword', optional(get('jwtKeyPassword'))),
    ...withValue('jwtAudience', optional(get('jwtGithubAudience'))),
  }
}
