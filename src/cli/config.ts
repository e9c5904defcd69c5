/**
 * Flags + environment → the same typed Config the action builds (with the shared validators, each error naming the
 * flag), plus the CLI's own options. Precedence: flag, then `--NAME-file`, then the environment (BAO_* before VAULT_*; a
 * set-but-empty BAO_* still wins). Secret values never need to be on the command line.
 */
import { existsSync, readFileSync } from 'node:fs'
import { checkClientCertificate, withValue } from '../config/connection.js'
import {
  optional,
  parseBool,
  parseDurationMs,
  parseEncoding,
  parseHeaders,
  parseIntInRange,
  parseJsonObject,
  parsePem,
  parseServerUrl,
  parseUrl,
} from '../config/parse.js'
import { authPath, checkMethod, checkSecretsOrPki, DEFAULT_KUBERNETES_TOKEN_PATH } from '../config/rules.js'
import type { AuthConfig, Config, TlsConfig } from '../core/config.js'
import { parsePkiSpec } from '../core/pki.js'
import { parseSecretsSpec } from '../core/spec.js'
import type { InputNamer } from '../lib/input-names.js'
import { InputError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { detectPlatform, type CiPlatform } from '../platforms/ci/index.js'
import { FORMATS, type Format } from '../platforms/formats.js'
import type { Command, ParsedArgs } from './args.js'
import { FLAG_FOR_INPUT, FLAGS, type FlagSpec } from './flags.js'
import { JWT_SOURCES } from './sources.js'
import { readAws, readChildToken } from '../config/action.js'

export interface CliOptions {
  readonly command: Command
  readonly child: readonly string[]
  readonly platform: CiPlatform
  /** One of JWT_SOURCES. */
  readonly jwtSource?: string
  readonly jwtEnv?: string
  readonly jwtFile?: string
  readonly jwtStdin: boolean
  readonly oauth2?: {
    readonly tokenUrl: string
    readonly clientId: string
    readonly clientSecret: string
    readonly scope?: string
    readonly clientAuth: 'basic' | 'post'
  }
  readonly format?: Format
  readonly output?: string
  readonly debug: boolean
}

export interface CliIo {
  readonly env: NodeJS.ProcessEnv
  /** Reads all of stdin (used at most once). */
  readonly readStdin: () => Promise<string>
}

/** Where each input's value came from, for messages ("--role", "VAULT_ADDR", "--token-file"). */
export type Origins = Map<string, string>

/** The Config, except that `claims` (which never talks to Vault) needs no --url. */
export type CliConfig = Omit<Config, 'url'> & { readonly url: string | undefined }

/** Flag values after precedence (flag, --NAME-file, environment), by flag name; '' when unset. */
type FlagValue = (name: string) => string

/** Runtime messages (login, HTTP) name settings by the action's input names: here they name the flags. */
const flagName: InputNamer = (input) => FLAG_FOR_INPUT.get(input) ?? input

export async function readCliConfig(
  args: ParsedArgs,
  io: CliIo,
  log: Logger,
  origins: Origins = new Map(),
): Promise<{ config: CliConfig; options: CliOptions; origins: Origins }> {
  const value = readFlagValues(args, io.env, log, origins)
  const jwtStdin = args.values['jwt-stdin'] === true
  const secretsText = await readSecretsText(args, value, jwtStdin, io, log)
  const config = cliConfig(args, value, secretsText, origins, io.env)
  const options = cliOptions(args, value, jwtStdin, io.env)
  return { config, options, origins }
}

function readFlagValues(args: ParsedArgs, env: NodeJS.ProcessEnv, log: Logger, origins: Origins): FlagValue {
  const raw = (flag: FlagSpec): string => {
    const given = args.values[flag.name]
    // an empty value counts as unset (like an empty action input), so the environment still applies
    if (given !== undefined && (typeof given === 'boolean' || (Array.isArray(given) ? given.join('') : given).trim() !== '')) {
      origins.set(flag.name, `--${flag.name}`)
      if (flag.secret)
        log.warning(
          `--${flag.name} on the command line is visible to other processes on this machine; prefer ${envNames(flag)[0] ? `$${envNames(flag)[0]} or ` : ''}--${flag.name}-file`,
        )
      if (typeof given === 'boolean') return String(given)
      const text = Array.isArray(given) ? given.join('\n') : given
      return flag.pem ? pemOrFile(text, `--${flag.name}`, flag.secret === true) : text
    }
    const file = args.values[`${flag.name}-file`]
    if (typeof file === 'string') {
      origins.set(flag.name, `--${flag.name}-file`)
      return readText(file, `--${flag.name}-file`).replace(/\r?\n$/, '')
    }
    for (const name of envNames(flag)) {
      const v = env[name]
      // an empty BAO_* still wins (to switch a VAULT_* off); any other empty variable counts as unset
      if (v === undefined || (v === '' && !name.startsWith('BAO_'))) continue
      origins.set(flag.name, name)
      return flag.pem ? pemOrFile(v, name, flag.secret === true) : v
    }
    return ''
  }
  const values = new Map(FLAGS.map((f) => [f.name, raw(f)]))
  return (name) => values.get(name) ?? ''
}

/** --secrets entries and those of --secrets-file (a file, or "-" for stdin), combined. */
async function readSecretsText(args: ParsedArgs, value: FlagValue, jwtStdin: boolean, io: CliIo, log: Logger): Promise<string> {
  if (args.values.secrets !== undefined && args.values['secrets-file'] !== undefined)
    log.debug('--secrets and --secrets-file are both given; their entries are combined')
  const secretsFile = value('secrets-file')
  if (secretsFile === '-' && jwtStdin) throw new InputError('--secrets-file', '"-" (stdin) cannot be combined with --jwt-stdin')
  const fromFile = secretsFile === '' ? '' : secretsFile === '-' ? await io.readStdin() : readText(secretsFile, '--secrets-file')
  return [value('secrets'), fromFile].filter((s) => s.trim() !== '').join('\n')
}

/** The CLI's own Config: every setting validated with the flag's name (the checks run in the action's order). */
function cliConfig(args: ParsedArgs, value: FlagValue, secretsText: string, origins: Origins, env: NodeJS.ProcessEnv): CliConfig {
  const tls: TlsConfig = {
    skipVerify: parseBool(value('tls-skip-verify'), '--tls-skip-verify', false),
    ...withValue('ca', parsePem(value('ca-certificate'), '--ca-certificate')),
    ...withValue('cert', parsePem(value('client-certificate'), '--client-certificate')),
    ...withValue('key', parsePem(value('client-key'), '--client-key')),
  }
  checkClientCertificate(tls, { cert: '--client-certificate', key: '--client-key' })
  const url = args.command === 'claims' && value('url').trim() === '' ? undefined : parseServerUrl(value('url'), '--url')
  const connection = {
    url,
    ...withValue('namespace', optional(value('namespace'))),
    extraHeaders: parseHeaders(value('extra-headers'), '--extra-headers'),
    tls,
    concurrency: parseIntInRange(value('concurrency'), '--concurrency', 32, 1, 256),
    retries: parseIntInRange(value('retries'), '--retries', 3, 0, 20),
    requestTimeoutMs: parseDurationMs(value('request-timeout'), '--request-timeout', 30_000),
    timeoutMs: parseDurationMs(value('timeout'), '--timeout', 300_000),
  }
  const pkiText = value('pki')
  checkSecretsOrPki(secretsText, pkiText, { secrets: '--secrets', pki: '--pki' })
  return {
    ...connection,
    secrets: parseSecretsSpec(secretsText, '--secrets'),
    pki: parsePkiSpec(pkiText, '--pki'),
    auth: cliAuth(args, value, origins, env),
    // every value is an environment variable (of a file, a sink or the child); step outputs exist only in the action
    exportEnv: true,
    exportToken: parseBool(value('export-token'), '--export-token', false),
    outputToken: false,
    ...withValue('secretEncodingType', parseEncoding(value('secret-encoding-type'), '--secret-encoding-type')),
    ignoreNotFound: parseBool(value('ignore-not-found'), '--ignore-not-found', false),
    revokeToken: parseBool(value('revoke-token'), '--revoke-token', true),
    check: args.command === 'check',
    inputName: flagName,
    ...withValue('childToken', readChildToken(byInput(value), flagName)),
  }
}

/** A flag's value by the action input it stands for (the settings read by shared readers such as readChildToken). */
function byInput(value: FlagValue): (input: string) => string {
  return (input) => {
    const flag = FLAG_FOR_INPUT.get(input)
    return flag === undefined ? '' : value(flag.replace(/^--/, ''))
  }
}

function cliAuth(args: ParsedArgs, value: FlagValue, origins: Origins, env: NodeJS.ProcessEnv): AuthConfig {
  const method = defaultMethod(args, value, origins).toLowerCase()
  const authPayload = parseJsonObject(value('auth-payload'), '--auth-payload')
  checkMethod(method, authPayload, { method: '--method', authPayload: '--auth-payload' })
  const jwtTtlSeconds = parseIntInRange(value('jwt-ttl'), '--jwt-ttl', 3600, 1, 31_536_000)
  return {
    method,
    path: authPath(optional(value('path')), method),
    kubernetesTokenPath: optional(value('kubernetes-token-path')) ?? DEFAULT_KUBERNETES_TOKEN_PATH,
    jwtTtlSeconds,
    ...withValue('role', optional(value('role'))),
    ...withValue('token', optional(value('token'))),
    ...withValue('roleId', optional(value('role-id'))),
    ...withValue('secretId', optional(value('secret-id'))),
    ...withValue('wrappedSecretId', optional(value('wrapped-secret-id'))),
    ...withValue('githubToken', optional(value('github-token'))),
    ...withValue('username', optional(value('username'))),
    ...withValue('password', optional(value('password'))),
    ...withValue('authPayload', authPayload),
    ...withValue('jwtPrivateKey', parsePem(value('jwt-private-key'), '--jwt-private-key')),
    ...withValue('jwtKeyPassword', optional(value('jwt-key-password'))),
    ...withValue('jwtAudience', optional(value('audience'))),
    ...withValue('aws', readAws(byInput(value), env, method === 'aws', flagName)),
  }
}

/** --method, else "token" when a token is given (on the command line, or in the env without --role), else "jwt". */
function defaultMethod(args: ParsedArgs, value: FlagValue, origins: Origins): string {
  const given = value('method').trim()
  if (given !== '') return given
  const tokenGiven = value('token').trim() !== ''
  const tokenExplicit = origins.get('token')?.startsWith('--') === true
  // a flag that names where the JWT comes from means jwt, even with a $VAULT_TOKEN left in the environment
  const jwtFlagGiven =
    ['jwt-env', 'jwt-file', 'jwt-source', 'oauth2-token-url'].some((f) => origins.get(f)?.startsWith('--')) ||
    args.values['jwt-stdin'] === true
  return tokenGiven && (tokenExplicit || (value('role').trim() === '' && !jwtFlagGiven)) ? 'token' : 'jwt'
}

function cliOptions(args: ParsedArgs, value: FlagValue, jwtStdin: boolean, env: NodeJS.ProcessEnv): CliOptions {
  const jwtSource = oneOf(value('jwt-source'), JWT_SOURCES, '--jwt-source')
  const format = oneOf(value('format'), FORMATS, '--format')
  const clientAuth = oneOf(value('oauth2-client-auth'), ['basic', 'post'] as const, '--oauth2-client-auth') ?? 'basic'
  const generic = [value('jwt-env') && '--jwt-env', value('jwt-file') && '--jwt-file', jwtStdin && '--jwt-stdin'].filter(Boolean)
  if (generic.length > 1)
    throw new InputError(String(generic[1]), `cannot be combined with ${generic[0]}: give one place to take the JWT from`)
  const oauth2 = readOAuth2(value, jwtSource, clientAuth)
  const output = value('output').trim()
  return {
    command: args.command,
    child: args.child,
    platform: detectPlatform(env),
    jwtStdin,
    debug: parseDebug(value('debug')),
    ...(jwtSource !== undefined ? { jwtSource } : {}),
    ...(value('jwt-env').trim() ? { jwtEnv: value('jwt-env').trim() } : {}),
    ...(value('jwt-file').trim() ? { jwtFile: value('jwt-file').trim() } : {}),
    ...(oauth2 ? { oauth2 } : {}),
    ...(format ? { format } : {}),
    ...(output ? { output } : {}),
  }
}

function readOAuth2(value: FlagValue, jwtSource: string | undefined, clientAuth: 'basic' | 'post'): CliOptions['oauth2'] {
  const tokenUrl = value('oauth2-token-url').trim()
  if (tokenUrl === '' && jwtSource !== 'oauth2') return undefined
  const clientId = value('oauth2-client-id').trim()
  const clientSecret = value('oauth2-client-secret').trim()
  if (clientId === '')
    throw new InputError('--oauth2-client-id', 'is required for OAuth2 client credentials (or $VAULT_OIDC_OAUTH2_CLIENT_ID)')
  if (clientSecret === '')
    throw new InputError(
      '--oauth2-client-secret',
      'is required for OAuth2 client credentials: use $VAULT_OIDC_OAUTH2_CLIENT_SECRET or --oauth2-client-secret-file',
    )
  return {
    tokenUrl: parseUrl(tokenUrl, '--oauth2-token-url'),
    clientId,
    clientSecret,
    clientAuth,
    ...withScope(value('oauth2-scope').trim()),
  }
}

/** VAULT_X → [BAO_X, VAULT_X]; other names as they are. */
function envNames(flag: FlagSpec): string[] {
  return (flag.env ?? []).flatMap((n) => (n.startsWith('VAULT_') && !n.startsWith('VAULT_OIDC_') ? [`BAO_${n.slice(6)}`, n] : [n]))
}

/**
 * PEM inline, base64 of PEM (vault-action's format: it always starts "LS0tLS1CRUdJT", "-----BEGIN"), or a file.
 * A value that is none of these is never echoed for a secret flag (it may be a mangled key).
 */
function pemOrFile(value: string, source: string, secret: boolean): string {
  const v = value.trim()
  if (v === '' || v.includes('-----BEGIN') || v.startsWith('LS0tLS1CRUdJT')) return value
  if (existsSync(v)) return readText(v, source)
  if (secret)
    throw new InputError(
      source,
      'is not a PEM block, the base64 encoding of one, or a readable file (the value is not shown: it may be a key)',
    )
  return readText(v, source)
}

function readText(path: string, source: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new InputError(source, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

function oneOf<T extends string>(raw: string, allowed: readonly T[], flag: string): T | undefined {
  const v = raw.trim().toLowerCase()
  if (v === '') return undefined
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new InputError(flag, `must be one of ${allowed.join(', ')}, got "${raw.trim()}"`)
}

function withScope(scope: string): { scope?: string } {
  return scope === '' ? {} : { scope }
}

function parseDebug(raw: string): boolean {
  return /^(true|1|yes|on)$/i.test(raw.trim())
}
