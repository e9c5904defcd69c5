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
  /**
   * `path {JSON} selector`: the path is written (POST) with this body instead of read, for engines that issue
   * credentials only on a write (ssh/sign, aws/sts, transit, gcp…). Our addition: vault-action rejects the form.
   */
  readonly body?: Readonly<Record<string, unknown>>
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
  const bodies: string[] = []
  const protectedText = protectBodies(text, bodies)
  return splitEntries(protectedText).map((source, i) => {
    const m = BODY_MARK.exec(source)
    if (!m) return parseEntry(source, i + 1, input)
    const raw = bodies[Number(m[1])] as string
    const entry = parseEntry(source.replace(BODY_MARK, ''), i + 1, input, source.replace(BODY_MARK, ' {…}'))
    return { ...entry, body: parseBody(raw, i + 1, entry.path, input) }
  })
}

/** Placeholder for a JSON body while the text is split (a body may hold ";", "|", newlines and spaces). */
const BODY_MARK = /\s\uE000(\d+)\uE001(?=\s)/

/**
 * Finds `{…}` right after an entry's path and followed by a selector (`path {JSON} selector`) and swaps it for a
 * placeholder. A brace anywhere else is left alone, so every entry vault-action accepts keeps its meaning
 * (`path {a:b} | NAME` is still a JSONata object selector).
 */
function protectBodies(text: string, bodies: string[]): string {
  if (!text.includes('{')) return text
  let out = ''
  let from = 0
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
    if (i < from) continue
    const before = text.slice(0, i)
    const lineStart = Math.max(before.lastIndexOf(';'), before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1
    if (!/^\s*[^\s|;{]+\s+$/.test(text.slice(Math.max(lineStart, from), i)) || lineStart < from) continue
    const end = jsonObjectEnd(text, i)
    // a body is followed by blanks and a selector on the same line; anything else keeps its old meaning
    if (end < 0 || !/^[ \t]+[^\s|;]/.test(text.slice(end))) continue
    bodies.push(text.slice(i, end))
    out += text.slice(from, i).replace(/\s+$/, ' ') + `\uE000${bodies.length - 1}\uE001`
    from = end
    i = end - 1
  }
  return out + text.slice(from)
}

/** Index just past the `}` that closes the object opened at `start` (JSON strings respected); -1 if none. */
function jsonObjectEnd(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') {
      depth--
      if (depth === 0) return c === '}' ? i + 1 : -1
    }
  }
  return -1
}

function parseBody(raw: string, index: number, path: string, input: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (err) {
    // the body may hold a credential (e.g. a role_arn or a key): keep only the position
    const at = /at position (\d+)/.exec((err as Error).message)?.[1]
    throw new InputError(
      input,
      `entry ${index} ("${path} {…}"): the JSON body is not valid JSON${at ? ` (error at character ${at})` : ''}; write it as {"key":"value"}`,
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError(input, `entry ${index} ("${path} {…}"): the body must be a JSON object`)
  return parsed as Record<string, unknown>
}

function parseEntry(source: string, index: number, input: string, shown = source): SecretEntry {
  const where = `entry ${index} ("${shown}")`
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
    throw new InputError(
      input,
      `${where}: expected "<path> <key> [| NAME]", e.g. "secret/data/app password | DB_PASSWORD"; separate entries with ";" or newlines`,
    )
  }
  const selector = selectorQuoted.replace(/"/g, '')
  if (selector === '*' || selector === '**') {
    return {
      index,
      source: shown,
      path,
      selector,
      kind: selector === '*' ? 'wildcard-upper' : 'wildcard',
      ...(name !== undefined ? { name } : {}),
      outputName: name ?? '',
      envName: name ?? '',
      dropped: [],
    }
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
    throw new InputError(
      input,
      `${where}: "${selectorQuoted}" is not a valid JSONata selector (${(err as { message?: string }).message ?? 'syntax error'}); quote a key with odd characters, e.g. "my-key"`,
    )
  }
  const simple = (ast.type === 'path' && !ast.steps?.[0]?.stages) || ast.type === 'string'
  if (!simple && name === undefined) {
    const hyphen =
      ast.type === 'binary' && selector.includes('-')
        ? `, or quote the key (JSONata reads ${selector} as a subtraction): ${path} "${selector}"`
        : ''
    throw new InputError(input, `${where}: a JSONata expression needs a name: add "| NAME"${hyphen}`)
  }
  const outputName = name ?? normalizeName(selector, false)
  const envName = name ?? normalizeName(selector, true)
  if (name === undefined && outputName === '')
    throw new InputError(input, `${where}: no usable variable name can be derived from "${selector}"; add "| NAME"`)
  return {
    index,
    source: shown,
    path,
    selector,
    kind: 'key',
    ...(name !== undefined ? { name } : {}),
    outputName,
    envName,
    dropped: name === undefined ? droppedCharacters(selector.replace(/`/g, '')) : [],
  }
}

/** Selectors that read the same without quotes: wildcards and dotted paths of plain or backticked keys (not `my-key`). */
const BARE_SELECTOR = /^(\*\*?|(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`)(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]*`))*)$/

function isBare(selector: string): boolean {
  return BARE_SELECTOR.test(selector) && !selector.split('.').some((step) => JSONATA_WORDS.has(step))
}

/** Prints entries back in the canonical one-per-line form (`parseSecretsSpec(printSecretsSpec(x))` equals x). */
export function printSecretsSpec(entries: readonly SecretEntry[]): string {
  return entries
    .map(
      (e) =>
        `${e.path}${e.body ? ` ${JSON.stringify(e.body)}` : ''} ${isBare(e.selector) ? e.selector : `"${e.selector}"`}${e.name !== undefined ? ` | ${e.name}` : ''}`,
    )
    .join('\n')
}
