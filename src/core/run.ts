/**
 * The main job, platform-neutral: log in → read → select → mask → export (all or nothing) → summary.
 * Platform specifics arrive as ports: the sink (mask/export), the logger, the token source, the state store.
 */
import type { Config } from '../config/types.js'
import type { SecretSink } from '../platforms/types.js'
import type { TokenSource } from '../token-sources/types.js'
import { login } from '../vault/auth.js'
import type { VaultClient } from '../vault/client.js'
import { VaultOidcError } from './errors.js'
import { fetchSecrets } from './fetch.js'
import type { Logger } from './log.js'
import { maskPieces } from './mask.js'
import { isValidEnvName } from './names.js'
import { pkiResults } from './pki.js'
import { decodeValue } from './select.js'
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
}

export interface Export {
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

export async function runMain(d: RunDeps): Promise<RunResult> {
  const { config, vault, sink, log } = d
  const auth = await login({
    vault,
    auth: config.auth,
    ...(d.tokenSource ? { tokenSource: d.tokenSource } : {}),
    log,
    mask: (s) => sink.mask(s),
  })
  vault.token = auth.token
  if (auth.loggedIn && config.revokeToken) d.cleanup.saveToken(auth.token)

  const exports: Export[] = []
  if (config.outputToken) exports.push({ outputName: 'vault_token', envName: undefined, value: auth.token, source: 'Vault token' })
  if (config.exportToken) exports.push({ outputName: '', envName: 'VAULT_TOKEN', value: auth.token, source: 'Vault token' })

  const leases: string[] = []
  const leaseInfo: LeaseInfo[] = []
  let child: ChildToken | undefined
  try {
    const values = await fetchSecrets(config.secrets, vault, {
      concurrency: config.concurrency,
      ignoreNotFound: config.ignoreNotFound,
      encoding: config.secretEncodingType,
      log,
      onLease: (id, info) => (leases.push(id), leaseInfo.push(info)),
      policies: auth.info?.policies ?? [],
    })
    for (const v of values) exports.push({ outputName: v.outputName, envName: config.exportEnv ? v.envName : undefined, value: v.value, source: v.apiPath })
    for (const req of config.pki) {
      const body = await vault.write(req.path, req.parameters)
      if (body?.lease_id) {
        leases.push(body.lease_id)
        leaseInfo.push({ id: body.lease_id, ttl: body.lease_duration ?? 0, renewable: body.renewable === true })
      }
      const serial = (body?.data as { serial_number?: unknown } | undefined)?.serial_number
      log.info(`issued a certificate at "${req.path}"${typeof serial === 'string' ? ` (serial ${serial})` : ''}`)
      for (const r of pkiResults(req, body?.data)) {
        exports.push({ outputName: r.outputName, envName: config.exportEnv ? r.envName : undefined, value: decodeValue(r.value, config.secretEncodingType), source: req.path })
      }
    }
    if (config.childToken) {
      child = await createChildToken(vault, config.childToken, log, (t) => sink.mask(t))
      // the child is revoked at the end of the job whatever revokeToken says: it exists only for this job
      d.cleanup.saveChildToken(child.token)
      exports.push({ outputName: 'vault_token', envName: 'VAULT_TOKEN', value: child.token, source: 'child token' })
    }
  } finally {
    // revokeToken: false keeps the leases too (the credentials outlive the job until their TTL)
    if (leases.length > 0 && config.revokeToken) d.cleanup.saveLeases(leases)
  }
  // an orphan child does not need its parent: revoke the login token now, unless leases (tied to it) are in use
  let tokenAlive = true
  if (child?.orphan && auth.loggedIn && leases.length === 0) {
    try {
      await vault.revokeSelf(auth.token)
      tokenAlive = false
      d.cleanup.saveToken('')
      log.info('revoked the login token: the child token does not depend on it')
    } catch (err) {
      log.warning(`could not revoke the login token early (it is revoked at the end of the job): ${(err as Error).message}`)
    }
  }

  // no environment variable, env file or child environment can carry a NUL byte: refuse before anything is written
  const withNul = exports.filter((e) => e.value.includes('\0'))
  if (withNul.length > 0) {
    throw new VaultOidcError(
      `${withNul.map((e) => `${e.envName ?? e.outputName} (from ${e.source})`).join(', ')}: the value holds a NUL byte, which an environment variable or output cannot carry. ` +
        'Keep it encoded (e.g. base64, without secretEncodingType) and decode it where it is used.',
    )
  }

  // mask every value (and its lines and JSON forms) before anything is exported or printed
  const pieces = new Set(exports.flatMap((e) => maskPieces(e.value)))
  if (sink.maskAll) sink.maskAll([...pieces])
  else for (const piece of pieces) sink.mask(piece)
  warnAboutNames(config, exports, log)
  for (const e of exports) {
    if (e.envName !== undefined) sink.exportEnv(e.envName, e.value)
    if (e.outputName !== '') sink.setOutput(e.outputName, e.value)
  }
  await sink.commit?.()
  log.info(`exported ${exports.filter((e) => e.envName !== undefined).length} environment variable(s) and ${exports.filter((e) => e.outputName !== '').length} output(s) from ${new Set(exports.map((e) => e.source)).size} source(s)`)
  return {
    exports,
    leases,
    leaseInfo,
    ...(auth.info ? { tokenTtl: auth.info.leaseDuration } : {}),
    policies: auth.info?.policies ?? [],
    ...(tokenAlive ? { token: { value: auth.token, ttl: auth.info?.leaseDuration ?? 0, renewable: auth.info?.renewable ?? false, owned: auth.loggedIn } } : {}),
    ...(child ? { child } : {}),
  }
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
  const seen = new Map<string, string>()
  for (const e of exports) {
    if (e.envName === undefined) continue
    if (!isValidEnvName(e.envName)) log.warning(`"${e.envName}" (from ${e.source}) is not a portable environment variable name; shells may not be able to read it`)
    const before = seen.get(e.envName)
    if (before !== undefined) log.warning(`${e.envName} is exported twice (from ${before} and ${e.source}); the later value wins`)
    seen.set(e.envName, e.source)
  }
}

/** Markdown for the job summary: names and sources only, never values. */
export function summaryMarkdown(config: Config, result: RunResult): string {
  const rows = result.exports.map((e) => `| ${e.envName ? `\`${e.envName}\`` : '—'} | ${e.outputName ? `\`${e.outputName}\`` : '—'} | \`${e.source}\` |`)
  const auth = `${config.auth.method}${config.auth.method !== 'token' ? ` at \`auth/${config.auth.path}\`${config.auth.role ? `, role \`${config.auth.role}\`` : ''}` : ''}`
  const lines = [
    '### Vault secrets',
    '',
    `Logged in to \`${new URL(config.url).host}\` with ${auth}${result.tokenTtl ? `; token TTL ${result.tokenTtl}s` : ''}${config.auth.method === 'token' ? '' : result.child && !result.token ? ', revoked as soon as the child token existed' : config.revokeToken ? ', revoked at the end of the job' : ''}.`,
    '',
    '| Environment variable | Step output | Source |',
    '| --- | --- | --- |',
    ...rows,
  ]
  if (result.child) {
    const c = result.child
    lines.push(
      '',
      `\`VAULT_TOKEN\` / \`vault_token\` is a child token with policies ${c.policies.map((p) => `\`${p}\``).join(', ') || '(none)'}, TTL ${c.ttl}s${c.numUses > 0 ? `, ${c.numUses} use(s)` : ''}` +
        `${c.orphan ? '' : ' (a child of the login token, which is kept until the end of the job)'}; it is revoked at the end of the job.`,
    )
  }
  if (result.leases.length > 0) {
    lines.push('', `${result.leases.length} lease(s) obtained; ${config.revokeToken ? 'they are revoked at the end of the job' : 'kept after the job (revokeToken: false): they expire with their TTL'}.`)
  }
  return lines.join('\n') + '\n'
}

