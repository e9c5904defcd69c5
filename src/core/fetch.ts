/**
 * Reads every requested path once, in parallel (bounded), and selects the requested values.
 * Collects every failure, so one run reports all bad entries at once; returns nothing partial.
 */
import { leaseRef, type VaultClient, type VaultEnvelope } from '../vault/client.js'
import { VaultOidcError, VaultResponseError } from '../lib/errors.js'
import { resolvePaths, type ResolvedPath } from './kv.js'
import { mapLimit } from '../lib/limit.js'
import type { Logger } from '../lib/log.js'
import { untrusted } from '../lib/untrusted.js'
import { decodeValue, describe, selectEntry, type SelectedValue } from './select.js'
import type { SecretEntry } from './spec.js'
import type { EncodingType } from './config.js'

export interface FetchOptions {
  readonly concurrency: number
  readonly ignoreNotFound: boolean
  readonly encoding: EncodingType | undefined
  readonly log: Logger
  /**
   * Called for every lease a read or write created (dynamic secrets), so the post step can revoke it: `ref` is what
   * to save for revocation (see leaseRef), `lease` what a renewer needs.
   */
  readonly onLease: (ref: string, lease: LeaseInfo) => void
  /** Called with each value as soon as its response is parsed (to mask it at once). */
  readonly onValue?: (value: string) => void
  /** The token's policies, for permission-denied hints. */
  readonly policies?: readonly string[]
}

/** What a renewer needs to know about a lease. */
export interface LeaseInfo {
  readonly id: string
  /** Seconds, as granted. */
  readonly ttl: number
  readonly renewable: boolean
}

export interface FetchedValue extends SelectedValue {
  readonly apiPath: string
}

/** not-found: HTTP 404, with `why` for a deleted or destroyed KV v2 version (ignoreNotFound skips both, like vault-action). */
type ReadOutcome = { kind: 'ok'; body: VaultEnvelope } | { kind: 'not-found'; why?: string } | { kind: 'failed'; message: string }

export async function fetchSecrets(
  entries: readonly SecretEntry[],
  vault: Pick<VaultClient, 'read' | 'mountInfo' | 'namespace' | 'write'>,
  options: FetchOptions,
): Promise<FetchedValue[]> {
  if (entries.length === 0) return []
  const reads = entries.filter((e) => e.body === undefined)
  const resolved =
    reads.length > 0
      ? await resolvePaths(
          reads.map((e) => e.path),
          vault,
          options.log,
        )
      : new Map<string, ResolvedPath>()
  // one request per read path, and per write path and body (keys in any order): however many keys are taken from it
  const byRequest = new Map<string, { where: ResolvedPath; body?: Readonly<Record<string, unknown>>; indexes: number[] }>()
  entries.forEach((entry, i) => {
    const where: ResolvedPath =
      entry.body !== undefined ? { written: entry.path, api: entry.path } : (resolved.get(entry.path) as ResolvedPath)
    const key = entry.body !== undefined ? writeKey(entry.path, entry.body) : where.api
    const request = byRequest.get(key)
    if (request) request.indexes.push(i)
    else byRequest.set(key, { where, ...(entry.body !== undefined ? { body: entry.body } : {}), indexes: [i] })
  })
  // per entry: its values, or its failure message, or nothing (skipped)
  const results: Array<FetchedValue[] | string | undefined> = new Array<undefined>(entries.length)
  await mapLimit([...byRequest.values()], options.concurrency, async ({ where, body, indexes }) => {
    const outcome = body !== undefined ? await writeOne(where.api, body, vault, options) : await readOne(where.api, vault, options)
    for (const i of indexes) {
      const entry = entries[i] as SecretEntry
      results[i] = await settle(entry, where, outcome, options)
      // masked as soon as they exist: a later failure's text (another path's error) is scrubbed of them
      if (Array.isArray(results[i])) for (const v of results[i]) options.onValue?.(v.value)
    }
  })

  const failures = results.filter((r): r is string => typeof r === 'string')
  if (failures.length > 0) {
    const head = failures.length === 1 ? '' : `${failures.length} secrets could not be read:\n- `
    throw new VaultOidcError(head + failures.join('\n- '))
  }
  return results.flatMap((r) => (Array.isArray(r) ? r : []))
}

async function settle(
  entry: SecretEntry,
  where: ResolvedPath,
  outcome: ReadOutcome,
  options: FetchOptions,
): Promise<FetchedValue[] | string | undefined> {
  if (outcome.kind === 'failed') return `${describe(entry)}: ${outcome.message}`
  if (outcome.kind === 'not-found') {
    const msg = `${describe(entry)}: ${outcome.why ?? notFoundMessage(where)}`
    if (!options.ignoreNotFound) return msg
    options.log.warning(`${msg} (skipped: ignoreNotFound is true)`)
    return undefined
  }
  try {
    return (await selectEntry(entry, outcome.body, where.mount?.kvVersion)).map((v) => ({
      ...v,
      value: decodeValue(v.value, options.encoding),
      apiPath: where.api,
    }))
  } catch (err) {
    return err instanceof VaultOidcError ? err.message : `${describe(entry)}: ${(err as Error).message}`
  }
}

/** Same path and same body (keys in any order) → same key. */
function writeKey(path: string, body: Readonly<Record<string, unknown>>): string {
  return `${path}\u0000${canonicalJson(body)}`
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

/** A write that issues something (ssh/sign, aws/sts, transit…): sent once, never retried. */
async function writeOne(
  path: string,
  body: Readonly<Record<string, unknown>>,
  vault: Pick<VaultClient, 'write'>,
  options: FetchOptions,
): Promise<ReadOutcome> {
  let res
  try {
    res = await vault.write(path, body)
  } catch (err) {
    if (err instanceof VaultResponseError && err.status === 403) return permissionDenied('writing', path, 'update', options)
    if (err instanceof VaultResponseError && err.status < 500) {
      // the engine's own complaint (a missing parameter, an unknown role) is the useful part; it is data, not markup
      return {
        kind: 'failed',
        message: `Vault refused the write to "${path}" (HTTP ${err.status}): ${untrusted(err.vaultErrors.join('; ')) || 'no reason given'}; check the JSON body's parameters for this endpoint`,
      }
    }
    throw err
  }
  recordLease(path, res, options)
  if (!res || res.data === undefined || res.data === null)
    return { kind: 'failed', message: `the write to "${path}" answered without data (does this endpoint issue anything?)` }
  options.log.debug(`wrote "${path}"`)
  return { kind: 'ok', body: res }
}

/** The failure for a 403: the token's policies, and the policy rule that would allow it. */
function permissionDenied(doing: string, path: string, capability: string, options: FetchOptions): ReadOutcome {
  const policies = options.policies && options.policies.length > 0 ? ` (token policies: ${options.policies.map(untrusted).join(', ')})` : ''
  const query = path.indexOf('?')
  const rulePath = query < 0 ? path : path.slice(0, query)
  return {
    kind: 'failed',
    message: `permission denied ${doing} "${path}"${policies}. Grant it with a policy rule: path "${rulePath}" { capabilities = ["${capability}"] }`,
  }
}

/** A lease the answer created (dynamic secrets), saved for revocation and renewal. */
function recordLease(path: string, answer: VaultEnvelope | undefined, options: FetchOptions): void {
  if (!answer?.lease_id || (answer.lease_duration ?? 0) <= 0) return
  options.onLease(leaseRef(path, answer.lease_id), {
    id: answer.lease_id,
    ttl: answer.lease_duration ?? 0,
    renewable: answer.renewable === true,
  })
}

async function readOne(api: string, vault: Pick<VaultClient, 'read'>, options: FetchOptions): Promise<ReadOutcome> {
  let res
  try {
    res = await vault.read(api)
  } catch (err) {
    if (err instanceof VaultResponseError && err.status === 403) return permissionDenied('reading', api, 'read', options)
    throw err
  }
  const body = res.body
  recordLease(api, body, options)
  if (res.status === 404) {
    const deleted = deletedVersion(body)
    return deleted
      ? { kind: 'not-found', why: `${deleted} ("${api}"); read another version with ?version=N, or undelete it` }
      : { kind: 'not-found' }
  }
  if (!body || body.data === undefined || body.data === null)
    return { kind: 'failed', message: `"${api}" answered without data (is it a readable secret path?)` }
  options.log.debug(`read "${api}"`)
  return { kind: 'ok', body }
}

/** KV v2 answers 404 with metadata for deleted and destroyed versions. */
function deletedVersion(body: VaultEnvelope | undefined): string | undefined {
  const meta = (body?.data as { metadata?: { deletion_time?: unknown; destroyed?: unknown; version?: unknown } } | undefined)?.metadata
  if (!meta) return undefined
  const version = typeof meta.version === 'number' ? `version ${meta.version}` : 'this version'
  if (meta.destroyed === true) return `${version} was destroyed`
  if (typeof meta.deletion_time === 'string' && meta.deletion_time !== '')
    return `${version} was deleted at ${untrusted(meta.deletion_time)}`
  return undefined
}

function notFoundMessage(where: ResolvedPath): string {
  const read = where.api === where.written ? `"${where.api}"` : `"${where.api}" (written as "${where.written}")`
  if (where.mount?.kvVersion === 2)
    return `no secret at ${read} on KV v2 mount "${untrusted(where.mount.path)}" (HTTP 404); check the path and the ?version`
  if (!where.mount && !where.written.includes('/data/'))
    return `nothing at ${read} (HTTP 404); if this is a KV v2 mount the token could not look up, write the path with /data/ (e.g. secret/data/app)`
  return `nothing at ${read} (HTTP 404)`
}
