/**
 * The `secrets` input: `path selector [| NAME]` entries separated by `;` or newlines (vault-action's syntax;
 * vault-action itself needs the `;`, and reads an entry wrapped over lines as one). Parsed once, before any
 * request, into typed entries.
 */
import jsonata from 'jsonata'
import { InputError } from '../lib/errors.js'
import { droppedCharacters, normalizeName } from '../lib/names.js'

export type SelectorKind = 'key' | 'wildcard-upper' | 'wildcard'

export interface SecretEntry {
  /** Position in the input (1-based), for messages. */
  readonly index: number
  /** The entry as written, for messages (contains no secret). */
  readonly source: string
  readonly path: string
  /** JSONata selector with double quotes removed (vault-action's form). */
  readonly selector: string
  readonly kind: SelectorKind
  /** `| NAME` as written; for wildcards it is the prefix. */
  readonly name?: string
  /** Step output name (for wildcards: the prefix part). */
  readonly outputName: string
  /** Environment variable name (for wildcards: the prefix part). */
  readonly envName: string
  /** Characters the name normaliser dropped from a derived name (vault-action drops them silently; we warn). */
  readonly dropped: readonly string[]
}

/** A key JSONata parses as a plain one-step path (no operators, not a variable, not a keyword). */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const QUOTED_KEY = /^("[^"\\]*"|'[^'\\]*')$/
const JSONATA_WORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function'])

interface JsonataAst {
  type: string
  steps?: Array<{ stages?: unknown }>
}

/** `path selector [| NAME]` with nothing missing: a line that can stand alone as an entry. */
const WHOLE_ENTRY = /^[^\s|]+\s+(?:"[^"]*"|[^\s|]+)(?:\s*\|\s*[^\s|].*)?$/

/**
 * Splits on `;` and on newlines; blank pieces are ignored. vault-action splits on `;` only and reads a newline as
 * a space, so a `;`-piece whose lines are not each a whole entry but that is one when joined (an entry wrapped
 * over lines) stays one entry; lines that are whole entries each (which vault-action would reject) are one each.
 */
export function splitEntries(text: string): string[] {
  const out: string[] = []
  for (const piece of text.split(';')) {
    const lines = piece
      .split(/\r?\n|\r/)
      .map((s) => s.trim())
      .filter((s) => s !== '')
    const joined = lines.join(' ')
    if (lines.length > 1 && !lines.every((l) => WHOLE_ENTRY.test(l)) && WHOLE_ENTRY.test(joined)) out.push(joined)
    else out.push(...lines)
  }
  return out
}

export function parseSecretsSpec(text: string, input = 'secrets'): SecretEntry[] {
  return splitEntries(text).map((source, i) => parseEntry(source, i + 1, input))
}

function parseEntry(source: string, index: number, input: string): SecretEntry {
  const where = `entry ${index} ("${source}")`
  let spec = source
  let name: string | undefined
  const bar = source.lastIndexOf('|')
  if (bar > -1) {
    spec = source.slice(0, bar).trim()
    name = source.slice(bar + 1).trim()
    if (name === '') throw new InputError(input, `${where}: nothing after "|"; write the variable name after it, or remove the "|"`)
  }
  const m = /^(\S+)\s+(.+)$/.exec(spec)
  const path = m?.[1]
  const selectorQuoted = m?.[2]?.trim()
  if (path === undefined || selectorQuoted === undefined || (/\s/.test(selectorQuoted) && !/^"[^"]*"$/.test(selectorQuoted))) {
    throw new InputError(input, `${where}: expected "<path> <key> [| NAME]", e.g. "secret/data/app password | DB_PASSWORD"; separate entries with ";" or newlines`)
  }
  const selector = selectorQuoted.replace(/"/g, '')
  if (selector === '*' || selector === '**') {
    return { index, source, path, selector, kind: selector === '*' ? 'wildcard-upper' : 'wildcard', ...(name !== undefined ? { name } : {}), outputName: name ?? '', envName: name ?? '', dropped: [] }
  }
  let ast: JsonataAst
  try {
    // a bare key is a one-step path: skip compiling it (compiling costs ~0.1 ms; specs can list 1000 entries)
    // and a quoted key is a string literal: neither needs JSONata loaded (~10 ms of start-up)
    ast =
      PLAIN_KEY.test(selectorQuoted) && !JSONATA_WORDS.has(selectorQuoted)
        ? { type: 'path' }
        : QUOTED_KEY.test(selectorQuoted)
          ? { type: 'string' }
          : (jsonata(selectorQuoted).ast() as JsonataAst)
  } catch (err) {
    throw new InputError(input, `${where}: "${selectorQuoted}" is not a valid JSONata selector (${(err as { message?: string }).message ?? 'syntax error'}); quote a key with odd characters, e.g. "my-key"`)
  }
  const simple = (ast.type === 'path' && !ast.steps?.[0]?.stages) || ast.type === 'string'
  if (!simple && name === undefined) {
    const hyphen = ast.type === 'binary' && selector.includes('-') ? `, or quote the key (JSONata reads ${selector} as a subtraction): ${path} "${selector}"` : ''
    throw new InputError(input, `${where}: a JSONata expression needs a name: add "| NAME"${hyphen}`)
  }
  const outputName = name ?? normalizeName(selector, false)
  const envName = name ?? normalizeName(selector, true)
  if (name === undefined && outputName === '') throw new InputError(input, `${where}: no usable variable name can be derived from "${selector}"; add "| NAME"`)
  return { index, source, path, selector, kind: 'key', ...(name !== undefined ? { name } : {}), outputName, envName, dropped: name === undefined ? droppedCharacters(selector.replace(/`/g, '')) : [] }
}

/** Selectors that read the same without quotes: wildcards and dotted paths of plain or backticked keys (not `my-key`). */
const BARE_SELECTOR = /^(\*\*?|(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`)(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`))*)$/

function isBare(selector: string): boolean {
  return BARE_SELECTOR.test(selector) && !selector.split('.').some((step) => JSONATA_WORDS.has(step))
}

/** Prints entries back in the canonical one-per-line form (`parseSecretsSpec(printSecretsSpec(x))` equals x). */
export function printSecretsSpec(entries: readonly SecretEntry[]): string {
  return entries.map((e) => `${e.path} ${isBare(e.selector) ? e.selector : `"${e.selector}"`}${e.name !== undefined ? ` | ${e.name}` : ''}`).join('\n')
}
