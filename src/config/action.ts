/**
 * The action's inputs (vault-action's names and defaults, plus ours), validated once into a Config.
 * `get` returns the raw input ('' when unset); only the entry point passes @actions/core's getInput.
 */
import { actionInputName } from '../lib/input-names.js'
import { parsePkiSpec } from '../core/pki.js'
import { parseSecretsSpec } from '../core/spec.js'
import { readConnection, withValue, type InputReader } from './connection.js'
import { authPath, checkMethod, checkSecretsOrPki, DEFAULT_KUBERNETES_TOKEN_PATH } from './rules.js'
import { optional, parseBool, parseEncoding, parseIntInRange, parseJsonObject, parsePem } from './parse.js'
import type { AuthConfig, Config } from '../core/config.js'

export { readConnection, withValue, type InputReader }

export { DEFAULT_KUBERNETES_TOKEN_PATH }

export function readActionConfig(get: InputReader): Config {
  const connection = readConnection(get)
  const secretsText = get('secrets')
  const pkiText = get('pki')
  checkSecretsOrPki(secretsText, pkiText, { secrets: 'secrets', pki: 'pki' })
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
    inputName: actionInputName,
  }
}

function readAuth(get: InputReader): AuthConfig {
  const method = (optional(get('method')) ?? 'token').toLowerCase()
  const authPayload = parseJsonObject(get('authPayload'), 'authPayload')
  checkMethod(method, authPayload, { method: 'method', authPayload: 'authPayload' })
  const path = authPath(optional(get('path')), method)
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
