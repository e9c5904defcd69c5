/**
 * Picks values out of a Vault response the way vault-action does (JSONata on the whole response, `data.` or
 * `data.data.` in front), and turns them into the strings that are exported.
 */
import jsonata from 'jsonata'
import { VaultOidcError } from '../lib/errors.js'
import { normalizeName } from '../lib/names.js'
import { untrusted } from '../lib/untrusted.js'
import type { SecretEntry } from './spec.js'
import type { EncodingType } from './config.js'

export interface SelectedValue {
  readonly entry: SecretEntry
  readonly outputName: string
  readonly envName: string
  readonly value: string
  /** The server's key, when a wildcard named this value after it. */
  readonly derivedKey?: string
}

/**
 * Whether the secret body is KV v2-shaped: vault-action's rule (`data.data` present), except on a mount known
 * to be KV v1, where that rule would misread a secret that has a key named "data".
 */
function isKv2Shape(body: { data?: unknown }, kvVersion: 1 | 2 | undefined): boolean {
  if (kvVersion === 1) return false
  const data = body.data as Record<string, unknown> | null | undefined
  return typeof data === 'object' && data !== null && data.data !== undefined && data.data !== null
}

/** vault-action's stringification: strings as they are, everything else as compact JSON text. */
export function stringifyValue(value: unknown): string | undefined {
  const json = JSON.stringify(value)
  if (json === undefined) return undefined
  return json.startsWith('"') ? (JSON.parse(json) as string) : json
}

export async function selectEntry(entry: SecretEntry, body: { data?: unknown }, kvVersion: 1 | 2 | undefined): Promise<SelectedValue[]> {
  const v2 = isKv2Shape(body, kvVersion)
  if (entry.kind !== 'key') return expandWildcard(entry, body, v2)
  const value = await evaluate(entry, entry.selector, body, v2)
  if (value === undefined) throw missingKey(entry, body, v2)
  return [{ entry, outputName: entry.outputName, envName: entry.envName, value }]
}

async function evaluate(entry: SecretEntry, selector: string, body: unknown, v2: boolean): Promise<string | undefined> {
  const direct = plainLookup(selector, body, v2)
  if (direct !== undefined) return direct.value
  const quoted = selector.includes('.') ? selector : `"${selector}"`
  const expression = `${v2 ? 'data.data.' : 'data.'}${quoted}`
  try {
    return stringifyValue(await jsonata(expression).evaluate(body))
  } catch (err) {
    // JSONata's messages can quote the value it choked on (e.g. $number() of a secret): never pass them on
    const { code, position } = err as { code?: unknown; position?: unknown }
    const where = typeof position === 'number' ? ` at position ${position}` : ''
    throw new VaultOidcError(
      `${describe(entry)}: the selector "${selector}" failed when applied to the secret (JSONata error ${typeof code === 'string' ? code : 'unknown'}${where}; its message is not shown because it can contain the secret's value). Check the expression against the secret's shape`,
    )
  }
}

/**
 * What JSONata's `data[.data]."key"` yields, without compiling an expression per entry, for the common case:
 * a key without dots, quotes or backslashes, present on a plain object, whose value is not an array (JSONata
 * flattens sequences). Anything else returns undefined and goes through JSONata.
 */
function plainLookup(selector: string, body: unknown, v2: boolean): { value: string | undefined } | undefined {
  if (/[."\\]/.test(selector)) return undefined
  let node = (body as { data?: unknown } | null | undefined)?.data
  if (v2) node = isPlainObject(node) ? node.data : undefined
  if (!isPlainObject(node) || !Object.hasOwn(node, selector)) return undefined
  const value = node[selector]
  return Array.isArray(value) || value === undefined ? undefined : { value: stringifyValue(value) }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function keysObject(body: { data?: unknown }, v2: boolean): Record<string, unknown> | undefined {
  const data = v2 ? (body.data as { data?: unknown } | undefined)?.data : body.data
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined
}

async function expandWildcard(entry: SecretEntry, body: { data?: unknown }, v2: boolean): Promise<SelectedValue[]> {
  const keys = keysObject(body, v2)
  if (!keys) throw new VaultOidcError(`${describe(entry)}: the response has no key/value data to expand "${entry.selector}" over`)
  const upper = entry.kind === 'wildcard-upper'
  const sameAsSelector = entry.name === entry.selector
  const out: SelectedValue[] = []
  for (const key of Object.keys(keys)) {
    const outputName = normalizeName(sameAsSelector ? key : entry.outputName + key, false)
    const envName = normalizeName(sameAsSelector ? key : entry.envName + key, upper)
    // keys JSONata cannot spell (quotes, backslashes, backticks) are taken as they are
    const value = /["\\`]/.test(key) ? stringifyValue(keys[key]) : await evaluate(entry, key.includes('.') ? `\`${key}\`` : key, body, v2)
    if (value === undefined) continue
    out.push({ entry, outputName, envName, value, derivedKey: key })
  }
  return out
}

function missingKey(entry: SecretEntry, body: { data?: unknown }, v2: boolean): VaultOidcError {
  const keys = keysObject(body, v2)
  const available = keys ? Object.keys(keys) : []
  const list =
    available.length > 0
      ? `keys there: ${available.slice(0, 20).map(untrusted).join(', ')}${available.length > 20 ? ', …' : ''}`
      : 'the secret has no keys'
  const nested =
    entry.selector.includes('.') && !entry.selector.startsWith('`')
      ? '; a "." means a nested key: write `a.b` in backticks for a key that contains a dot'
      : ''
  return new VaultOidcError(`${describe(entry)}: no value for "${entry.selector}" (${list})${nested}`)
}

export function describe(entry: SecretEntry): string {
  return `secrets entry ${entry.index} ("${entry.path} ${entry.selector}")`
}

export function decodeValue(value: string, encoding: EncodingType | undefined): string {
  return encoding === undefined ? value : Buffer.from(value, encoding).toString('utf8')
}
