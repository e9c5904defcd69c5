/**
 * The main job, platform-neutral: log in → read → select → mask → export (all or nothing) → summary.
 * Platform specifics arrive as ports: the sink (mask/export), the logger, the token source, the state store.
 */
import type { Config } from './config.js'
import type { SecretSink } from './ports.js'
import type { TokenSource } from './ports.js'
import { login } from './login.js'
import { leaseRef, type VaultClient } from '../vault/client.js'
import { VaultOidcError } from '../lib/errors.js'
import { fetchSecrets } from './fetch.js'
import type { Logger } from '../lib/log.js'
import { isValidEnvName } from '../lib/names.js'
import { pkiResults } from './pki.js'
import { decodeValue } from './select.js'
import { SecretScrubber } from './mask.js'
import { derivedNameProblems, type NamedExport } from '../lib/names.js'
import { pkiNames } from './pki.js'
import { describe } from './select.js'
import { markdownCode, untrusted } from '../lib/untrusted.js'
import { checkEnvSizes } from './limits.js'
import { createChildToken, type ChildToken } from './child-token.js'
import type { LeaseInfo } from './fetch.js'

/** What the post step needs to clean up; written as soon as each thing exists. */
export interface CleanupState {
  /** '' when the token was revoked early (nothing to revoke later). */
  saveToken(token: string): void
  saveLeases(leaseIds: readonly string[]): void
  /** The child token exported instead of the login token (childToken): revoked at the end of the job. */
  saveChildToken(token: string): void
}

export interface RunDeps {
  readonly config: Config
  readonly vault: VaultClient
  readonly sink: SecretSink
  readonly log: Logger
  readonly tokenSource?: TokenSource
  readonly cleanup: CleanupState
  /** Collects every secret as it appears, to scrub messages; the front-end passes its own to scrub what it prints after. */
  readonly scrubber?: SecretScrubber
}

export interface Export extends NamedExport {
  readonly outputName: string
  /** Undefined when exportEnv is off. */
  readonly envName: string | undefined
  readonly value: string
  /** Where it came from, for the summary (a path, never a value). */
  readonly source: string
}

export interface RunResult {
  readonly exports: readonly Export[]
  readonly leases: readonly string[]
  /** TTL and renewability of each lease, for renewal (exec). */
  readonly leaseInfo: readonly LeaseInfo[]
  readonly tokenTtl?: number
  readonly policies: readonly string[]
  /** The login token, with what renewal needs; undefined for a token revoked early. */
  readonly token?: { readonly value: string; readonly ttl: number; readonly renewable: boolean; readonly owned: boolean }
  readonly child?: ChildToken
}

export async function runMain(deps: RunDeps): Promise<RunResult> {
  const scrubber = deps.scrubber ?? new SecretScrubber()
  try {
    return await runScrubbed({ ...deps, log: scrubber.logger(deps.log) }, scrubber)
  } catch (err) {
    throw scrubber.scrubError(err)
  }
}

/** Registers a secret with the platform's masker (each piece once per run) and the scrubber the moment it exists. */
type Mask = (value: string) => void

function masking(sink: SecretSink, scrubber: SecretScrubber): Mask {
  const masked = new Set<string>()
  return (value) => {
    const pieces = scrubber.add(value).filter((p) => !masked.has(p))
    for (const p of pieces) masked.add(p)
    if (pieces.length === 0) return
    if (sink.maskAll) sink.maskAll(pieces)
    else for (const piece of pieces) sink.mask(piece)
  }
}

async function runScrubbed(deps: RunDeps, scrubber: SecretScrubber): Promise<RunResult> {
  const { config, sink, log } = deps
  const mask = masking(sink, scrubber)
  const auth = await login({
    vault: deps.vault,
    auth: config.auth,
    ...(deps.tokenSource ? { tokenSource: deps.tokenSource } : {}),
    log,
    mask,
    inputName: config.inputName,
  })
  const vault = deps.vault.withToken(auth.token)
  if (auth.loggedIn && config.revokeToken) deps.cleanup.saveToken(auth.token)

  const exports: Export[] = []
  if (config.outputToken)
    exports.push({ outputName: 'vault_token', envName: undefined, value: auth.token, source: 'Vault token (outputToken)' })
  if (config.exportToken) exports.push({ outputName: '', envName: 'VAULT_TOKEN', value: auth.token, source: 'Vault token (exportToken)' })
  const leases: Leases = { refs: [], info: [] }
  let child: ChildToken | undefined
  try {
    exports.push(...(await readSecrets(config, vault, log, auth.info?.policies ?? [], leases, mask)))
    checkDerivedNames(config, exports, sink)
    exports.push(...(await issueCertificates(config, vault, log, leases, mask)))
    if (config.childToken) {
      child = await createChildToken(vault, config.childToken, log, mask, config.inputName)
      // the child is revoked at the end of the job whatever revokeToken says: it exists only for this job
      deps.cleanup.saveChildToken(child.token)
      exports.push({ outputName: 'vault_token', envName: 'VAULT_TOKEN', value: child.token, source: 'child token' })
    }
  } finally {
    // revokeToken: false keeps the leases too (the credentials outlive the job until their TTL)
    if (leases.refs.length > 0 && config.revokeToken) deps.cleanup.saveLeases(leases.refs)
  }
  const tokenAlive = !(
    child?.orphan &&
    auth.loggedIn &&
    leases.refs.length === 0 &&
    (await revokeParentEarly(vault, auth.token, deps.cleanup, log))
  )
  await handOver(config, exports, sink, log)
  return {
    exports,
    leases: leases.refs,
    leaseInfo: leases.info,
    ...(auth.info ? { tokenTtl: auth.info.leaseDuration } : {}),
    policies: auth.info?.policies ?? [],
    ...(tokenAlive
      ? { token: { value: auth.token, ttl: auth.info?.leaseDuration ?? 0, renewable: auth.info?.renewable ?? false, owned: auth.loggedIn } }
      : {}),
    ...(child ? { child } : {}),
  }
}

/** Leases taken in this run: what to save for revocation (leaseRef) and what renewal needs. */
interface Leases {
  readonly refs: string[]
  readonly info: LeaseInfo[]
}

/** An orphan child does not need its parent: revoke the login token now (leases, tied to it, would go too). */
async function revokeParentEarly(vault: VaultClient, token: string, cleanup: CleanupState, log: Logger): Promise<boolean> {
  try {
    await vault.revokeSelf(token)
    cleanup.saveToken('')
    log.info('revoked the login token: the child token does not depend on it')
    return true
  } catch (err) {
    log.warning(`could not revoke the login token early (it is revoked at the end of the job): ${(err as Error).message}`)
    return false
  }
}

/** The requested values of every secrets entry, each masked as soon as it is read; each lease is added to `leases`. */
async function readSecrets(
  config: Config,
  vault: VaultClient,
  log: Logger,
  policies: readonly string[],
  leases: Leases,
  mask: Mask,
): Promise<Export[]> {
  const values = await fetchSecrets(config.secrets, vault, {
    concurrency: config.concurrency,
    ignoreNotFound: config.ignoreNotFound,
    encoding: config.secretEncodingType,
    log,
    onLease: (ref, info) => (leases.refs.push(ref), leases.info.push(info)),
    onValue: mask,
    policies,
  })
  return values.map((v) => ({
    outputName: v.outputName,
    envName: config.exportEnv ? v.envName : undefined,
    value: v.value,
    source: v.apiPath,
    ...(v.derivedKey !== undefined ? { derived: { entry: describe(v.entry), path: v.entry.path, key: v.derivedKey } } : {}),
  }))
}

/** Names the server chose are checked against every other name of this step before a certificate is issued. */
function checkDerivedNames(config: Config, exports: readonly Export[], sink: SecretSink): void {
  const pkiPlanned = config.pki.flatMap((req) =>
    pkiNames(req).map((n) => ({ outputName: n.outputName, envName: config.exportEnv ? n.envName : undefined, source: req.path })),
  )
  const named = sink.hasOutputs === false ? [...exports, ...pkiPlanned].map((e) => ({ ...e, outputName: '' })) : [...exports, ...pkiPlanned]
  const problems = derivedNameProblems(named)
  if (problems.length > 0) {
    throw new VaultOidcError(
      `${problems.length === 1 ? '' : `${problems.length} names chosen by the server's keys cannot be used:\n- `}${problems.join('\n- ')}`,
    )
  }
}

/** One certificate per pki entry (a write: never retried); each lease is added to `leases`. */
async function issueCertificates(config: Config, vault: VaultClient, log: Logger, leases: Leases, mask: Mask): Promise<Export[]> {
  const exports: Export[] = []
  for (const req of config.pki) {
    const body = await vault.write(req.path, req.parameters)
    if (body?.lease_id) {
      leases.refs.push(leaseRef(req.path, body.lease_id))
      leases.info.push({ id: body.lease_id, ttl: body.lease_duration ?? 0, renewable: body.renewable === true })
    }
    const results = pkiResults(req, body?.data).map((r) => ({ ...r, value: decodeValue(r.value, config.secretEncodingType) }))
    // the private key's masks go out before any line about this response (its serial is the server's text)
    for (const r of results) mask(r.value)
    const serial = (body?.data as { serial_number?: unknown } | undefined)?.serial_number
    log.info(`issued a certificate at "${req.path}"${typeof serial === 'string' ? ` (serial ${untrusted(serial)})` : ''}`)
    for (const r of results)
      exports.push({ outputName: r.outputName, envName: config.exportEnv ? r.envName : undefined, value: r.value, source: req.path })
  }
  return exports
}

/** All or nothing: refuse what no variable can carry, mask every value, then export and output each, then commit. */
async function handOver(config: Config, exports: readonly Export[], sink: SecretSink, log: Logger): Promise<void> {
  // no environment variable, env file or child environment can carry a NUL byte: refuse before anything is written
  const withNul = exports.filter((e) => e.value.includes('\0'))
  if (withNul.length > 0) {
    throw new VaultOidcError(
      `${withNul.map((e) => `${e.envName ?? e.outputName} (from ${e.source})`).join(', ')}: the value holds a NUL byte, which an environment variable or output cannot carry. ` +
        'Keep it encoded (e.g. base64, without secretEncodingType) and decode it where it is used.',
    )
  }

  checkEnvSizes(exports)

  warnAboutNames(config, exports, log)
  for (const e of exports) {
    if (e.envName !== undefined) sink.exportEnv(e.envName, e.value)
    if (e.outputName !== '') sink.setOutput(e.outputName, e.value)
  }
  await sink.commit?.()
  const outputs = sink.hasOutputs === false ? '' : ` and ${exports.filter((e) => e.outputName !== '').length} output(s)`
  log.info(
    `exported ${exports.filter((e) => e.envName !== undefined).length} environment variable(s)${outputs} from ${new Set(exports.map((e) => e.source)).size} source(s)`,
  )
}

function warnAboutNames(config: Config, exports: readonly Export[], log: Logger): void {
  for (const entry of config.secrets) {
    if (entry.dropped.length > 0) {
      log.warning(
        `secrets entry ${entry.index}: "${entry.selector}" ${config.exportEnv ? `is exported as ${entry.envName}` : `is output as ${entry.outputName}`}: ` +
          `vault-action's naming drops ${entry.dropped.map((c) => `"${c}"`).join(', ')}. Add "| NAME" to choose the name yourself.`,
      )
    }
  }
  // names the server chose were checked already (derivedNameProblems): these are the names the workflow wrote
  const seen = new Map<string, string>()
  for (const e of exports) {
    if (e.envName === undefined || e.derived) continue
    if (!isValidEnvName(e.envName))
      log.warning(`"${e.envName}" (from ${e.source}) is not a portable environment variable name; shells may not be able to read it`)
    const before = seen.get(e.envName)
    if (before !== undefined) log.warning(`${e.envName} is exported twice (from ${before} and ${e.source}); the later value wins`)
    seen.set(e.envName, e.source)
  }
}

/** Markdown for the job summary: names and sources only, never values. */
export function summaryMarkdown(config: Config, result: RunResult): string {
  const rows = result.exports.map(
    (e) =>
      `| ${e.envName ? markdownCode(e.envName) : '—'} | ${e.outputName ? markdownCode(e.outputName) : '—'} | ${markdownCode(e.source)} |`,
  )
  const auth = `${config.auth.method}${config.auth.method !== 'token' ? ` at ${markdownCode(`auth/${config.auth.path}`)}${config.auth.role ? `, role ${markdownCode(config.auth.role)}` : ''}` : ''}`
  const lines = [
    '### Vault secrets',
    '',
    `Logged in to ${markdownCode(new URL(config.url).host)} with ${auth}${result.tokenTtl ? `; token TTL ${result.tokenTtl}s` : ''}${config.auth.method === 'token' ? '' : result.child && !result.token ? ', revoked as soon as the child token existed' : config.revokeToken ? ', revoked at the end of the job' : ''}.`,
    '',
    '| Environment variable | Step output | Source |',
    '| --- | --- | --- |',
    ...rows,
  ]
  if (result.child) {
    const c = result.child
    lines.push(
      '',
      `${markdownCode('VAULT_TOKEN')} / ${markdownCode('vault_token')} is a child token with policies ${c.policies.map(markdownCode).join(', ') || '(none)'}, TTL ${c.ttl}s${c.numUses > 0 ? `, ${c.numUses} use(s)` : ''}` +
        `${c.orphan ? '' : ' (a child of the login token, which is kept until the end of the job)'}; it is revoked at the end of the job.`,
    )
  }
  if (result.leases.length > 0) {
    lines.push(
      '',
      `${result.leases.length} lease(s) obtained; ${config.revokeToken ? 'they are revoked at the end of the job' : 'kept after the job (revokeToken: false): they expire with their TTL'}.`,
    )
  }
  return lines.join('\n') + '\n'
}
