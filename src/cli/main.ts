/**
 * The `vault-oidc` CLI: flags/env → the action's Config, then the same core (runMain / runCheck / revokeAll).
 * Logs go to stderr (names, counts, paths; never values); stdout carries only what was asked for
 * (claims, the check table, `--output -`). Exit codes: 0 ok, 1 failure, 2 bad usage, exec: the child's.
 */
import { spawn } from 'node:child_process'
import { readFileSync, realpathSync } from 'node:fs'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { parseUrl } from '../config/parse.js'
import type { Config } from '../core/config.js'
import { checkReport, runCheck } from '../core/check.js'
import { errorMessage, InputError, VaultOidcError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { SecretScrubber } from '../core/mask.js'
import { guardLines } from '../lib/untrusted.js'
import { revokeAll, type RevokeRequest } from '../core/revoke.js'
import { renewTargets, startRenewer, type RenewTarget } from '../core/renew.js'
import { runMain, type CleanupState, type RunResult } from '../core/run.js'
import type { HttpClient } from '../http/client.js'
import { CollectingSink } from '../platforms/file.js'
import type { Masker, SecretSink, TokenSource } from '../core/ports.js'
import type { VaultClient } from '../vault/client.js'
import { connect, platformHttp, warnIfCleartext } from '../vault/connect.js'
import { describeClaims, safeClaims } from '../core/jwt-diagnostics.js'
import { parseCliArgs } from './args.js'
import { readCliConfig, type CliIo, type CliOptions, type Origins } from './config.js'
import { helpText } from './help.js'
import { chooseMasker, exportSink } from './sinks.js'
import { chooseTokenSource } from './sources.js'

export interface CliContext extends CliIo {
  readonly argv: readonly string[]
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly version: string
}

export function stderrLogger(write: (text: string) => void, debug: () => boolean): Logger {
  return {
    debug: (m) => (debug() ? write(`vault-oidc: debug: ${guardLines(m)}\n`) : undefined),
    info: (m) => write(`vault-oidc: ${guardLines(m)}\n`),
    warning: (m) => write(`vault-oidc: warning: ${guardLines(m)}\n`),
    error: (m) => write(`vault-oidc: error: ${guardLines(m)}\n`),
    isDebug: debug,
  }
}

export async function runCli(ctx: CliContext): Promise<number> {
  let debug = false
  let log = stderrLogger(ctx.stderr, () => debug)
  const origins: Origins = new Map()
  const closers: Array<() => void> = []
  // every secret seen (tokens, values) is scrubbed from what the CLI prints, masking platform or not
  const scrubber = new SecretScrubber()
  try {
    const args = parseCliArgs(ctx.argv)
    if (args.values.help === true) return (ctx.stdout(helpText()), 0)
    if (args.values.version === true) return (ctx.stdout(`vault-oidc ${ctx.version}\n`), 0)
    const { config, options } = await readCliConfig(args, ctx, log, origins)
    debug = options.debug
    log = options.platform.logger?.(ctx.stderr, ctx.env) ?? log
    log = scrubber.logger(log)
    const deadline = Date.now() + config.timeoutMs
    const stdoutIsData = options.command === 'claims' || options.command === 'check' || options.output === '-'
    const masker = chooseMasker(options, ctx.env, log, {
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      stdoutIsData,
      exec: options.command === 'exec',
    })
    let tokenHttp: HttpClient | undefined
    const source = chooseTokenSource(config, options, {
      env: ctx.env,
      log,
      readStdin: ctx.readStdin,
      mask: (v) => (scrubber.add(v), masker.mask(v)),
      http: () => {
        tokenHttp ??= platformHttp(config, log, deadline)
        closers.push(() => tokenHttp?.close())
        return tokenHttp
      },
    })
    if (options.command === 'claims') return await claims(source, masker, ctx)
    // only claims goes without --url (readCliConfig validated it for every other command)
    const vaultConfig: Config = { ...config, url: config.url ?? parseUrl('', '--url') }
    if (source) log.info(`OIDC token: ${source.description}`)
    if (!masker.masks)
      log.info(
        `note: ${options.platform.title} cannot mask values fetched at runtime; vault-oidc prints only names, never values, so keep your own commands from printing them`,
      )
    warnIfCleartext(vaultConfig.url, log, config.inputName)
    const { http, vault } = connect(vaultConfig, log, deadline)
    closers.push(() => http.close())
    const run: Run = { config: vaultConfig, options, vault, log, masker, ctx, scrubber, closers, ...(source ? { source } : {}) }
    if (options.command === 'check') return await check(run)
    return await exportOrExec(run)
  } catch (err) {
    ctx.stderr(`vault-oidc: error: ${guardLines(scrubber.scrub(describeError(err, origins)))}\n`)
    if (ctx.env.SHOW_STACK_TRACE === 'true' && err instanceof Error && err.stack) ctx.stderr(`${guardLines(scrubber.scrub(err.stack))}\n`)
    return err instanceof InputError ? 2 : 1
  } finally {
    for (const close of closers) close()
  }
}

interface Run {
  readonly config: Config
  readonly options: CliOptions
  readonly vault: VaultClient
  readonly log: Logger
  readonly masker: Masker
  readonly ctx: CliContext
  readonly closers: Array<() => void>
  readonly source?: TokenSource
  readonly scrubber: SecretScrubber
}

async function claims(source: TokenSource | undefined, masker: Masker, ctx: CliContext): Promise<number> {
  if (!source) throw new VaultOidcError('no token source')
  const jwt = await source.fetch()
  masker.mask(jwt)
  await masker.flush?.()
  const decoded = safeClaims(jwt)
  if (Object.keys(decoded).length === 0) throw new VaultOidcError(`the ${source.description} is not a JWT that can be decoded`)
  ctx.stdout(
    `claims of the ${source.description} (decoded locally; the token itself is not shown):\n${describeClaims(decoded, jwt, [...(source.claims ?? []), ...Object.keys(decoded)])}\n`,
  )
  return 0
}

async function check(run: Run): Promise<number> {
  const report = await runCheck({
    config: run.config,
    vault: run.vault,
    sink: new CollectingSink(run.masker),
    log: run.log,
    ...(run.source ? { tokenSource: run.source } : {}),
  })
  run.ctx.stdout(`${checkReport(report)}\n`)
  const bad = report.paths.filter((p) => p.status !== 'ok').length
  if (bad > 0) run.log.error(`${bad} of ${report.paths.length} path(s) cannot be read`)
  return bad > 0 ? 1 : 0
}

async function exportOrExec(run: Run): Promise<number> {
  const { config, options, vault, log } = run
  const exec = options.command === 'exec'
  // from here on a SIGINT/SIGTERM stops the run, revokes what was issued and exits with the signal's code
  const trap = trapSignals()
  const target: SecretSink = exec ? new CollectingSink(run.masker) : await exportSink(options, run.ctx.env, run.masker, log, run.ctx.stdout)
  const sink = stoppable(target, trap)
  if (config.secrets.length === 0 && config.pki.length === 0) log.warning('no --secrets (or --secrets-file, --pki) given: nothing to read')
  const owned: Owned = { leases: [] }
  const cleanup: CleanupState = {
    saveToken: (t) => (t === '' ? delete owned.token : (owned.token = t)),
    saveLeases: (ids) => owned.leases.push(...ids),
    saveChildToken: (t) => (owned.child = t),
  }
  let keep = false
  let exported = false
  let interrupted: Interrupted | undefined
  // after a long exec the run's deadline has passed: renewals and the final revocation get a connection of their own
  let after: VaultClient = vault
  try {
    const running = runMain({
      config,
      vault,
      sink,
      log,
      cleanup,
      scrubber: run.scrubber,
      ...(run.source ? { tokenSource: run.source } : {}),
    })
    running.catch(() => undefined) // after a signal nobody waits for it any more
    const result = await Promise.race([running, trap.stopped])
    exported = !exec
    if (!exec) {
      if (config.exportToken || owned.child !== undefined) keep = true
      else if (result.leases.length > 0 && owned.token) {
        keep = true
        log.info(
          `kept the Vault token: revoking it now would revoke the ${result.leases.length} lease(s) just exported; it expires with its TTL${result.tokenTtl ? ` (${result.tokenTtl}s)` : ''}`,
        )
      }
      return 0
    }
    const vars = (target as CollectingSink).variables()
    const conn = connect(config, log, Number.MAX_SAFE_INTEGER)
    after = conn.vault
    // the child gets the signals from now on (runChild forwards them)
    trap.release()
    const renewer = startRenewer(await execTargets(after, result, log), { log })
    try {
      return await runChild(options.child, { ...run.ctx.env, ...Object.fromEntries(vars) }, log)
    } finally {
      renewer.stop()
      // the revocation below still needs the connection; it is closed with the others
      run.closers.push(() => conn.http.close())
    }
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err
    interrupted = err
    return 128 + (constants.signals[err.signal] ?? 0)
  } finally {
    if (interrupted)
      log.error(
        `stopped by ${interrupted.signal} before ${exec ? 'the command started' : 'the variables were written'}; nothing was ${exec ? 'run' : 'written'}${owned.token || owned.leases.length > 0 ? ', revoking what was issued' : ''}`,
      )
    const request =
      config.revokeToken || owned.child !== undefined
        ? cleanupRequest(owned, keep, exported, config.auth.token, config.revokeToken)
        : undefined
    if (request) {
      const report = await revokeAll(after, request, log).catch((err: unknown) => ({ summary: '', warnings: [errorMessage(err)] }))
      for (const w of report.warnings) log.warning(w)
      if (report.summary) log.info(report.summary)
    }
    trap.release()
  }
}

/** A run stopped by SIGINT/SIGTERM before its work was handed over. */
class Interrupted extends VaultOidcError {
  override readonly name = 'Interrupted'
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`)
  }
}

interface SignalTrap {
  /** Rejects with Interrupted when a signal arrives. */
  readonly stopped: Promise<never>
  readonly fired: () => boolean
  release(): void
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

function trapSignals(): SignalTrap {
  let fire: (err: Interrupted) => void = () => undefined
  let fired = false
  const stopped = new Promise<never>((_resolve, reject) => (fire = reject))
  stopped.catch(() => undefined)
  const on = (signal: NodeJS.Signals): void => {
    fired = true
    fire(new Interrupted(signal))
  }
  for (const s of STOP_SIGNALS) process.on(s, on)
  return {
    stopped,
    fired: () => fired,
    release: () => {
      for (const s of STOP_SIGNALS) process.off(s, on)
    },
  }
}

/** After a signal, the run that is still in flight may not write or hand over anything. */
function stoppable(sink: SecretSink, trap: SignalTrap): SecretSink {
  const check = (): void => {
    if (trap.fired()) throw new VaultOidcError('stopped by a signal: nothing is written')
  }
  return {
    mask: (v) => sink.mask(v),
    ...(sink.maskAll ? { maskAll: (v: readonly string[]) => sink.maskAll?.(v) } : {}),
    ...(sink.hasOutputs !== undefined ? { hasOutputs: sink.hasOutputs } : {}),
    exportEnv: (n, v) => (check(), sink.exportEnv(n, v)),
    setOutput: (n, v) => (check(), sink.setOutput(n, v)),
    commit: async () => {
      check()
      await sink.commit?.()
    },
  }
}

interface Owned {
  token?: string
  leases: string[]
  child?: string
}

/** What exec keeps alive while the command runs: the tokens (login, or the user's own when renewable; the child) and the leases. */
async function execTargets(vault: VaultClient, result: RunResult, log: Logger): Promise<RenewTarget[]> {
  const tokens: Array<{ label: string; token: string; ttl: number; renewable: boolean }> = []
  const t = result.token
  if (t?.owned) tokens.push({ label: 'the Vault token', token: t.value, ttl: t.ttl, renewable: t.renewable })
  else if (t && (result.leaseInfo.length > 0 || result.child)) {
    // the user's own token: its leases (and a non-orphan child) end with it
    const self = await vault
      .withToken(t.value)
      .lookupSelf()
      .catch((err: unknown) => (log.debug(`cannot look up the given token to renew it: ${errorMessage(err)}`), undefined))
    if (self) tokens.push({ label: 'the given Vault token', token: t.value, ttl: self.ttl, renewable: self.renewable })
  }
  const c = result.child
  // a child with a use limit is not renewed: each renewal would spend one of its uses
  if (c && c.numUses === 0) tokens.push({ label: 'the child token', token: c.token, ttl: c.ttl, renewable: c.renewable })
  return renewTargets(vault, tokens, result.leaseInfo, t?.value, log)
}

/**
 * What to revoke when export/exec is done: a token we own, with its leases (always after exec or a failure, unless
 * kept for exported leases, --export-token or an exported child token); with the user's own token only its leases,
 * and only when nothing was exported (after exec, or after a failure). A child token is revoked whenever it was not
 * exported (exec, failure), even with --no-revoke-token: it exists only for this run.
 */
function cleanupRequest(
  owned: Owned,
  keep: boolean,
  exported: boolean,
  userToken: string | undefined,
  revokeToken: boolean,
): RevokeRequest | undefined {
  const child = owned.child !== undefined && !(exported && keep) ? { childToken: owned.child } : {}
  if (!revokeToken) return 'childToken' in child ? { token: undefined, leaseToken: undefined, leases: [], ...child } : undefined
  if (owned.token !== undefined) return keep ? undefined : { token: owned.token, leaseToken: owned.token, leases: owned.leases, ...child }
  if ((owned.leases.length > 0 || 'childToken' in child) && !exported)
    return { token: undefined, leaseToken: userToken, leases: owned.leases, ...child }
  return undefined
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const

/** Runs the command with the secrets in its environment only; forwards signals; resolves to its exit code. */
function runChild(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<number> {
  const [command, ...args] = argv as [string, ...string[]]
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'inherit' })
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal)
    for (const s of FORWARDED) process.on(s, forward)
    const done = (code: number): void => {
      for (const s of FORWARDED) process.off(s, forward)
      resolve(code)
    }
    child.once('error', (err: NodeJS.ErrnoException) => {
      log.error(`cannot run "${command}": ${err.code ?? err.message}`)
      done(err.code === 'ENOENT' ? 127 : 126)
    })
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)))
  })
}

/** An input error names the flag, and where its value came from ("--url (from $VAULT_ADDR): …"). */
function describeError(err: unknown, origins: Origins): string {
  if (!(err instanceof InputError)) return errorMessage(err)
  const flag = err.input
  const origin = flag.startsWith('--') ? origins.get(flag.slice(2)) : undefined
  return `${flag}${origin && origin !== flag ? ` (from ${origin.startsWith('--') ? origin : `$${origin}`})` : ''}: ${err.detail}`
}

/** The package's version, from the package.json next to dist/ (or the source tree). */
export function packageVersion(script: string | undefined): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(realpathSync(script ?? '')), '..', 'package.json'), 'utf8')) as {
      name?: unknown
      version?: unknown
    }
    return pkg.name === 'vault-oidc-action' && typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}
