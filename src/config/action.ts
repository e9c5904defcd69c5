/**
 * The action's inputs (vault-action's names and defaults, plus ours), validated once into a Config.
 * `get` returns the raw input ('' when unset); only the entry point passes @actions/core's getInput.
 */
import { InputError, VaultOidcError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import { parsePkiSpec } from '../core/pki.js'
import { parseSecretsSpec } from '../core/spec.js'
import { readConnection, withValue, type InputReader } from './connection.js'
import { authPath, checkMethod, checkSecretsOrPki, DEFAULT_KUBERNETES_TOKEN_PATH } from './rules.js'
import { optional, parseBool, parseDurationMs, parseEncoding, parseIntInRange, parseJsonObject, parsePem, parseUrl } from './parse.js'
import type { AuthConfig, AwsLoginConfig, ChildTokenConfig, Config } from '../core/config.js'
import { untrusted } from '../lib/untrusted.js'

export { readConnection, withValue, type InputReader }

export { DEFAULT_KUBERNETES_TOKEN_PATH }

/** `env` supplies what is not an input: the AWS credential variables (method aws). */
export function readActionConfig(get: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const connection = readConnection(get)
  const secretsText = get('secrets')
  const pkiText = get('pki')
  checkSecretsOrPki(secretsText, pkiText, { secrets: 'secrets', pki: 'pki' })
  return {
    ...connection,
    secrets: parseSecretsSpec(secretsText, 'secrets'),
    pki: parsePkiSpec(pkiText, 'pki'),
    auth: readAuth(get, env),
    exportEnv: parseBool(get('exportEnv'), 'exportEnv', true),
    exportToken: parseBool(get('exportToken'), 'exportToken', false),
    outputToken: parseBool(get('outputToken'), 'outputToken', false),
    ...withValue('secretEncodingType', parseEncoding(get('secretEncodingType'), 'secretEncodingType')),
    ignoreNotFound: parseBool(get('ignoreNotFound'), 'ignoreNotFound', false),
    revokeToken: parseBool(get('revokeToken'), 'revokeToken', true),
    check: parseBool(get('check'), 'check', false),
    inputName: actionInputName,
    ...withValue('childToken', readChildToken(get)),
  }
}

/** childToken and its settings; `get` reads by the action's input name, `name` says how messages call it. */
export function readChildToken(get: InputReader, name: InputNamer = actionInputName): ChildTokenConfig | undefined {
  const on = parseBool(get('childToken'), name('childToken'), false)
  const given = ['childTokenPolicies', 'childTokenTtl', 'childTokenNumUses'].find((n) => !['', '0'].includes(get(n).trim()))
  if (!on) {
    if (given) throw new InputError(name(given), `only applies with "${name('childToken')}: true"`)
    return undefined
  }
  if (parseBool(get('exportToken'), name('exportToken'), false) || parseBool(get('outputToken'), name('outputToken'), false)) {
    throw new InputError(
      name('childToken'),
      `cannot be combined with "${name('exportToken')}"/"${name('outputToken')}": the child token is what is exported (VAULT_TOKEN and the vault_token output)`,
    )
  }
  const policies = get('childTokenPolicies')
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
  for (const p of policies)
    if (!/^[\w.@-]+$/.test(p))
      throw new InputError(
        name('childTokenPolicies'),
        `"${untrusted(p)}" is not a policy name; give names separated by commas, e.g. "read-app, default"`,
      )
  const ttl = get('childTokenTtl').trim()
  const ttlSeconds = ttl === '' ? undefined : Math.ceil(parseDurationMs(ttl, name('childTokenTtl'), 0) / 1000)
  return {
    policies,
    numUses: parseIntInRange(get('childTokenNumUses'), name('childTokenNumUses'), 0, 0, 1_000_000),
    ...withValue('ttlSeconds', ttlSeconds),
  }
}

/** The STS endpoint and signing region for method aws; credentials only from the environment (never inputs). */
export function readAws(
  get: InputReader,
  env: NodeJS.ProcessEnv,
  wanted: boolean,
  name: InputNamer = actionInputName,
): AwsLoginConfig | undefined {
  const region = optional(get('awsStsRegion'))
  const endpointRaw = optional(get('awsStsEndpoint'))
  const serverId = optional(get('awsIamServerId'))
  if (!wanted) return undefined
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new InputError(name('awsStsRegion'), `must be an AWS region such as us-east-1, got "${untrusted(region)}"`)
  const stsEndpoint =
    endpointRaw !== undefined
      ? parseUrl(endpointRaw, 'awsStsEndpoint')
      : region !== undefined
        ? `https://sts.${region}.amazonaws.com`
        : 'https://sts.amazonaws.com'
  // the signature's region must be the endpoint's: named, or read from a regional host, or the global endpoint's
  const host = new URL(stsEndpoint).hostname
  const fromHost = /^sts(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
  const stsRegion =
    region ??
    fromHost ??
    (host === 'sts.amazonaws.com' ? 'us-east-1' : (optional(env.AWS_REGION ?? '') ?? optional(env.AWS_DEFAULT_REGION ?? '') ?? 'us-east-1'))
  const accessKeyId = optional(env.AWS_ACCESS_KEY_ID ?? '')
  const secretAccessKey = optional(env.AWS_SECRET_ACCESS_KEY ?? '')
  const sessionToken = optional(env.AWS_SESSION_TOKEN ?? '')
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = [accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : '', secretAccessKey === undefined ? 'AWS_SECRET_ACCESS_KEY' : '']
      .filter(Boolean)
      .join(' and ')
    throw new VaultOidcError(
      `"${name('method')}" is aws, but ${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set in the environment: ` +
        'run aws-actions/configure-aws-credentials (or export the AWS credential variables, with AWS_SESSION_TOKEN for temporary credentials) before this step',
    )
  }
  const credentials = { accessKeyId, secretAccessKey, ...withValue('sessionToken', sessionToken) }
  return { stsEndpoint, stsRegion, credentials, ...withValue('serverId', serverId) }
}

function readAuth(get: InputReader, env: NodeJS.ProcessEnv): AuthConfig {
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
    ...withValue('aws', readAws(get, env, method === 'aws')),
  }
}
