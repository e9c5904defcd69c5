/**
 * Flags + environment → the same Config the action builds (readActionConfig does every validation), plus the
 * CLI's own options. Precedence: flag, then `--NAME-file`, then the environment (BAO_* before VAULT_*; a
 * set-but-empty BAO_* still wins). Secret values never need to be on the command line.
 */
import { existsSync, readFileSync } from 'node:fs'
import { readActionConfig } from '../config/action.js'
import { parseUrl } from '../config/parse.js'
import type { Config } from '../config/types.js'
import { InputError } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { detectPlatform, type PlatformName } from '../platforms/detect.js'
import { FORMATS, type Format } from '../platforms/formats.js'
import type { Command, ParsedArgs } from './args.js'
import { FLAGS, type FlagSpec } from './flags.js'

export const JWT_SOURCES = ['github', 'gitlab', 'circleci', 'semaphore', 'bitbucket', 'buildkite', 'azure', 'kubernetes', 'env', 'file', 'stdin', 'oauth2'] as const
export type JwtSourceName = (typeof JWT_SOURCES)[number]

export interface CliOptions {
  readonly command: Command
  readonly child: readonly string[]
  readonly platform: PlatformName
  readonly jwtSource?: JwtSourceName
  readonly jwtEnv?: string
  readonly jwtFile?: string
  readonly jwtStdin: boolean
  readonly oauth2?: { readonly tokenUrl: string; readonly clientId: string; readonly clientSecret: string; readonly scope?: string; readonly clientAuth: 'basic' | 'post' }
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

export async function readCliConfig(args: ParsedArgs, io: CliIo, log: Logger, origins: Origins = new Map()): Promise<{ config: Config; options: CliOptions; origins: Origins }> {
  const { env } = io
  const raw = (flag: FlagSpec): string => {
    const given = args.values[flag.name]
    // an empty value counts as unset (like an empty action input), so the environment still applies
    if (given !== undefined && (typeof given === 'boolean' || (Array.isArray(given) ? given.join('') : given).trim() !== '')) {
      origins.set(flag.name, `--${flag.name}`)
      if (flag.secret) log.warning(`--${flag.name} on the command line is visible to other processes on this machine; prefer ${envNames(flag)[0] ? `$${envNames(flag)[0]} or ` : ''}--${flag.name}-file`)
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
  const value = (name: string): string => values.get(name) ?? ''

  if (args.values.secrets !== undefined && args.values['secrets-file'] !== undefined) log.debug('--secrets and --secrets-file are both given; their entries are combined')
  const secretsFile = value('secrets-file')
  const jwtStdin = args.values['jwt-stdin'] === true
  if (secretsFile === '-' && jwtStdin) throw new InputError('--secrets-file', '"-" (stdin) cannot be combined with --jwt-stdin')
  const secretsText = [value('secrets'), secretsFile === '' ? '' : secretsFile === '-' ? await io.readStdin() : readText(secretsFile, '--secrets-file')].filter((s) => s.trim() !== '').join('\n')

  // default method: "token" when a token is given (on the command line, or in the env without --role), else "jwt"
  const tokenGiven = value('token').trim() !== ''
  const tokenExplicit = origins.get('token')?.startsWith('--') === true
  // a flag that names where the JWT comes from means jwt, even with a $VAULT_TOKEN left in the environment
  const jwtFlagGiven = ['jwt-env', 'jwt-file', 'jwt-source', 'oauth2-token-url'].some((f) => origins.get(f)?.startsWith('--')) || args.values['jwt-stdin'] === true
  const method = value('method').trim() || (tokenGiven && (tokenExplicit || (value('role').trim() === '' && !jwtFlagGiven)) ? 'token' : 'jwt')
  const inputs = new Map<string, string>([
    ...FLAGS.filter((f) => f.input !== undefined).map((f) => [f.input as string, value(f.name)] as const),
    ['method', method],
    ['secrets', secretsText],
    ['url', value('url').trim() === '' && args.command === 'claims' ? 'http://claims.invalid' : value('url')],
    ['exportEnv', 'true'],
    ['outputToken', 'false'],
    ['check', String(args.command === 'check')],
  ])
  const config = readActionConfig((name) => inputs.get(name) ?? '', env)

  const platform = detectPlatform(env)
  const jwtSource = oneOf(value('jwt-source'), JWT_SOURCES, '--jwt-source')
  const format = oneOf(value('format'), FORMATS, '--format')
  const clientAuth = oneOf(value('oauth2-client-auth'), ['basic', 'post'] as const, '--oauth2-client-auth') ?? 'basic'
  const generic = [value('jwt-env') && '--jwt-env', value('jwt-file') && '--jwt-file', jwtStdin && '--jwt-stdin'].filter(Boolean)
  if (generic.length > 1) throw new InputError(String(generic[1]), `cannot be combined with ${generic[0]}: give one place to take the JWT from`)
  const tokenUrl = value('oauth2-token-url').trim()
  let oauth2: CliOptions['oauth2']
  if (tokenUrl !== '' || jwtSource === 'oauth2') {
    const clientId = value('oauth2-client-id').trim()
    const clientSecret = value('oauth2-client-secret').trim()
    if (clientId === '') throw new InputError('--oauth2-client-id', 'is required for OAuth2 client credentials (or $VAULT_OIDC_OAUTH2_CLIENT_ID)')
    if (clientSecret === '') throw new InputError('--oauth2-client-secret', 'is required for OAuth2 client credentials: use $VAULT_OIDC_OAUTH2_CLIENT_SECRET or --oauth2-client-secret-file')
    oauth2 = { tokenUrl: parseUrl(tokenUrl, '--oauth2-token-url'), clientId, clientSecret, clientAuth, ...withScope(value('oauth2-scope').trim()) }
  }
  const output = value('output').trim()
  const options: CliOptions = {
    command: args.command,
    child: args.child,
    platform,
    jwtStdin,
    debug: parseDebug(value('debug')),
    ...(jwtSource !== undefined ? { jwtSource } : {}),
    ...(value('jwt-env').trim() ? { jwtEnv: value('jwt-env').trim() } : {}),
    ...(value('jwt-file').trim() ? { jwtFile: value('jwt-file').trim() } : {}),
    ...(oauth2 ? { oauth2 } : {}),
    ...(format ? { format } : {}),
    ...(output ? { output } : {}),
  }
  return { config, options, origins }
}

/** VAULT_X → [BAO_X, VAULT_X]; other names as they are. */
export function envNames(flag: FlagSpec): string[] {
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
  if (secret) throw new InputError(source, 'is not a PEM block, the base64 encoding of one, or a readable file (the value is not shown: it may be a key)')
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

