/**
 * argv → subcommand, flag values and (for exec) the child's command line, with node:util parseArgs.
 * Every error names the flag; nothing here touches the network or the environment.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { InputError } from '../lib/errors.js'
import { parseBool } from '../config/parse.js'
import { FILE_FLAGS, FLAGS } from './flags.js'

export const COMMANDS = ['export', 'exec', 'check', 'claims'] as const
export type Command = (typeof COMMANDS)[number]

export interface ParsedArgs {
  readonly command: Command
  /** Flag values by kebab name: string, string[] (repeatable) or boolean. Absent when not given. */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>
  /** exec: the command and its arguments (everything after `--`). */
  readonly child: readonly string[]
}

/** A usage error (exit code 2). */
export class UsageError extends InputError {}

const OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries([
  ...FLAGS.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}) }] as const),
  ...FILE_FLAGS.map((name) => [name, { type: 'string' }] as const),
])
const BOOLEAN = new Set(FLAGS.filter((f) => f.type === 'boolean').map((f) => f.name))

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const dashDash = argv.indexOf('--')
  const own = dashDash < 0 ? [...argv] : argv.slice(0, dashDash)
  const child = dashDash < 0 ? [] : argv.slice(dashDash + 1)
  // "--export-token false": parseArgs would take "false" for a command or a stray argument; name the flag instead
  for (let i = 1; i < own.length; i++) {
    const prev = /^--([a-z0-9-]+)$/.exec(own[i - 1] ?? '')?.[1]
    if (prev !== undefined && BOOLEAN.has(prev) && /^(true|false|yes|no|1|0)$/i.test(own[i] ?? '')) {
      throw new UsageError(`--${prev}`, `takes no separate value: write --${prev}=${own[i]} (or --${prev} / --no-${prev})`)
    }
  }
  // -h is --help (the one short flag: what people type first when lost)
  const normalized = own.map((arg) => (arg === '-h' ? '--help' : booleanValue(arg)))
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: normalized, options: OPTIONS, allowPositionals: true, allowNegative: true, strict: true })
  } catch (err) {
    throw usageError(err as Error & { code?: string })
  }
  const [first, ...rest] = parsed.positionals
  // `vault-oidc help` (and `help exec`, `help check`, ...) prints the same usage as --help
  if (first === 'help' && child.length === 0)
    return { command: 'export', values: { ...parsed.values, help: true } as ParsedArgs['values'], child: [] }
  const command = (first ?? 'export') as Command
  if (!COMMANDS.includes(command)) throw new UsageError(String(first), `unknown command; use one of ${COMMANDS.join(', ')} (see --help)`)
  if (rest.length > 0)
    throw new UsageError(String(rest[0]), `unexpected argument${command === 'exec' ? ': put the command to run after "--"' : ''}`)
  if (command === 'exec' && child.length === 0 && parsed.values.help !== true)
    throw new UsageError('exec', 'needs a command to run after "--", e.g. vault-oidc exec --role deploy -- ./deploy.sh')
  if (command !== 'exec' && child.length > 0)
    throw new UsageError('--', `arguments after "--" are only for "exec" (the command is "${command}")`)
  return { command, values: parsed.values as ParsedArgs['values'], child }
}

/** `--flag=true|false` for boolean flags → `--flag` / `--no-flag` (parseArgs booleans take no value). */
function booleanValue(arg: string): string {
  const m = /^--([a-z0-9-]+)=(.*)$/s.exec(arg)
  if (!m || !BOOLEAN.has(m[1] as string)) return arg
  return parseBool(m[2] as string, `--${m[1]}`, true) ? `--${m[1]}` : `--no-${m[1]}`
}

function usageError(err: Error & { code?: string }): UsageError {
  const flag = /'(-[^' ]+)/.exec(err.message)?.[1] ?? '?'
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = nearest(flag.replace(/^-+/, ''))
      return new UsageError(flag, `unknown flag${near ? `; did you mean --${near}?` : ''} (see --help)`)
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message)) return new UsageError(flag, 'takes no value')
      if (/ambiguous/.test(err.message))
        return new UsageError(flag, `needs a value; to pass one that starts with "-", write ${flag}=-VALUE`)
      return new UsageError(flag, 'needs a value')
    default:
      return new UsageError(flag, err.message)
  }
}

function nearest(name: string): string | undefined {
  let best: { name: string; d: number } | undefined
  for (const candidate of Object.keys(OPTIONS)) {
    const d = distance(name, candidate)
    if (d <= 2 && (best === undefined || d < best.d)) best = { name: candidate, d }
  }
  return best?.name
}

function distance(from: string, to: string): number {
  const row = Array.from({ length: to.length + 1 }, (_, i) => i)
  for (let i = 1; i <= from.length; i++) {
    let prev = row[0] as number
    row[0] = i
    for (let j = 1; j <= to.length; j++) {
      const tmp = row[j] as number
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (from[i - 1] === to[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[to.length] as number
}
