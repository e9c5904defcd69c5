/**
 * Reads every requested path once, in parallel (bounded), and selects the requested values.
 * Collects every failure, so one run reports all bad entries at once; returns nothing partial.
 */
import type { VaultClient, VaultEnvelope } from '../vault/client.js'
import { VaultOidcError, VaultResponseError } from './errors.js'
import { resolvePaths, type ResolvedPath } from './kv.js'
import { mapLimit } from './limit.js'
import type { Logger } from './log.js'
import { decodeValue, describe, selectEntry, type SelectedValue } from './select.js'
import type { SecretEntry } from './spec.js'
import type { EncodingType } from '../config/types.js'

export interface FetchOptions {
  readonly concurrency: number
  readonly ignoreNotFound: boolean
  readonly encoding: EncodingType | undefined
  readonly log: Logger
  /** Called for every lease a read or write created (dynamic secrets), so the post step can revoke it. */
  readonly onLease: (leaseId: string, lease: LeaseInfo) => void
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

export async function fetchSecrets(entries: readonly SecretEntry[], vault: Pick<VaultClient, 'read' | 'mountInfo' | 'write'>, o: FetchOptions): Promise<FetchedValue[]> {
  if (entries.length === 0) return []
  const reads = entries.filter((e) => e.body === undefined)
  const resolved = reads.length > 0 ? await resolvePaths(reads.map((e) => e.path), vault, o.log) : new Map<string, ResolvedPath>()
  const apiPaths = [...new Set([...resolved.values()].map((r) => r.api))]
  const outcomes = new Map<string, ReadOutcome>()
  await mapLimit(apiPaths, o.concurrency, async (api) => {
    outcomes.set(api, await readOne(api, vault, o))
  })
  // writes: the same path with the same body is written once, however many keys are taken from the answer
  const writes = new Map<string, { path: string; body: Readonly<Record<string, unknown>> }>()
  for (const e of entries) if (e.body !== undefined) writes.set(writeKey(e.path, e.body), { path: e.path, body: e.body })
  await mapLimit([...writes], o.concurrency, async ([key, w]) => {
    outcomes.set(key, await writeOne(w.path, w.body, vault, o))
  })

  const failures: string[] = []
  const values: FetchedValue[] = []
  for (const entry of entries) {
    const where: ResolvedPath = entry.body !== undefined ? { written: entry.path, api: entry.path } : (resolved.get(entry.path) as ResolvedPath)
    const outcome = outcomes.get(entry.body !== undefined ? writeKey(entry.path, entry.body) : where.api) as ReadOutcome
    if (outcome.kind === 'failed') {
      failures.push(`${describe(entry)}: ${outcome.message}`)
      continue
    }
    if (outcome.kind === 'not-found') {
      const msg = `${describe(entry)}: ${outcome.why ?? notFoundMessage(where)}`
      if (o.ignoreNotFound) o.log.warning(`${msg} (skipped: ignoreNotFound is true)`)
      else failures.push(msg)
      continue
    }
    try {
      for (const v of await selectEntry(entry, outcome.body, where.mount?.kvVersion)) {
        values.push({ ...v, value: decodeValue(v.value, o.encoding), apiPath: where.api })
      }
    } catch (err) {
      failures.push(err instanceof VaultOidcError ? err.message : `${describe(entry)}: ${(err as Error).message}`)
    }
  }
  if (failures.length > 0) {
    const head = failures.length === 1 ? '' : `${failures.length} secrets could not be read:\n- `
    throw new VaultOidcError(head + failures.join('\n- '))
  }
  return values
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
async function writeOne(path: string, body: Readonly<Record<string, unknown>>, vault: Pick<VaultClient, 'write'>, o: FetchOptions): Promise<ReadOutcome> {
  let res
  try {
    res = await vault.write(path, body)
  } catch (err) {
    if (err instanceof VaultResponseError && err.status === 403) {
      const policies = o.policies && o.policies.length > 0 ? ` (token policies: ${o.policies.join(', ')})` : ''
      return { kind: 'failed', message: `permission denied writing "${path}"${policies}. Grant it with a policy rule: path "${path}" { capabilities = ["update"] }` }
    }
    if (err instanceof VaultResponseError && err.status < 500) {
      // the engine's own complaint (a missing parameter, an unknown role) is the useful part; it is data, not markup
      return { kind: 'failed', message: `Vault refused the write to "${path}" (HTTP ${err.status}): ${err.vaultErrors.join('; ') || 'no reason given'}; check the JSON body's parameters for this endpoint` }
    }
    throw err
  }
  if (res?.lease_id && (res.lease_duration ?? 0) > 0) o.onLease(res.lease_id, { id: res.lease_id, ttl: res.lease_duration ?? 0, renewable: res.renewable === true })
  if (!res || res.data === undefined || res.data === null) return { kind: 'failed', message: `the write to "${path}" answered without data (does this endpoint issue anything?)` }
  o.log.debug(`wrote "${path}"`)
  return { kind: 'ok', body: res }
}

async function readOne(api: string, vault: Pick<VaultClient, 'read'>, o: FetchOptions): Promise<ReadOutcome> {
  let res
  try {
    res = await vault.read(api)
  } catch (err) {
    if (err instanceof VaultResponseError && err.status === 403) {
      const policies = o.policies && o.policies.length > 0 ? ` (token policies: ${o.policies.join(', ')})` : ''
      return { kind: 'failed', message: `permission denied reading "${api}"${policies}. Grant it with a policy rule: path "${api.replace(/\?.*$/, '')}" { capabilities = ["read"] }` }
    }
    throw err
  }
  const body = res.body
  if (body?.lease_id && (body.lease_duration ?? 0) > 0) o.onLease(body.lease_id, { id: body.lease_id, ttl: body.lease_duration ?? 0, renewable: body.renewable === true })
  if (res.status === 404) {
    const deleted = deletedVersion(body)
    return deleted ? { kind: 'not-found', why: `${deleted} ("${api}"); read another version with ?version=N, or undelete it` } : { kind: 'not-found' }
  }
  if (!body || body.data === undefined || body.data === null) return { kind: 'failed', message: `"${api}" answered without data (is it a readable secret path?)` }
  o.log.debug(`read "${api}"`)
  return { kind: 'ok', body }
}

/** KV v2 answers 404 with metadata for deleted and destroyed versions. */
function deletedVersion(body: VaultEnvelope | undefined): string | undefined {
  const meta = (body?.data as { metadata?: { deletion_time?: unknown; destroyed?: unknown; version?: unknown } } | undefined)?.metadata
  if (!meta) return undefined
  const version = typeof meta.version === 'number' ? `version ${meta.version}` : 'this version'
  if (meta.destroyed === true) return `${version} was destroyed`
  if (typeof meta.deletion_time === 'string' && meta.deletion_time !== '') return `${version} was deleted at ${meta.deletion_time}`
  return undefined
}

function notFoundMessage(where: ResolvedPath): string {
  const read = where.api === where.written ? `"${where.api}"` : `"${where.api}" (written as "${where.written}")`
  if (where.mount?.kvVersion === 2) return `no secret at ${read} on KV v2 mount "${where.mount.path}" (HTTP 404); check the path and the ?version`
  if (!where.mount && !where.written.includes('/data/')) return `nothing at ${read} (HTTP 404); if this is a KV v2 mount the token could not look up, write the path with /data/ (e.g. secret/data/app)`
  return `nothing at ${read} (HTTP 404)`
}
