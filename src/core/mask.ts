import type { Logger } from '../lib/log.js'

/**
 * Everything to register with the log masker for one secret value, before it is exported or logged:
 * the whole value (whatever its length), and, when 4+ characters long, each non-empty line, the JSON-escaped form
 * (how it looks inside JSON output), each of those without surrounding blanks (an unquoted `echo $X` prints it
 * trimmed), and, for JSON objects/arrays, every string or number leaf (a leaf that is JSON itself, recursively)
 * with the same forms.
 */
export function maskPieces(value: string): string[] {
  const pieces = new Set<string>()
  if (value !== '') pieces.add(value)
  collect(pieces, value, 0)
  return [...pieces]
}

/**
 * Derived pieces (lines, trimmed and escaped forms, JSON leaves) shorter than this are not added: `"db"`, `"on"`
 * or `"7"` as masks would hide those words in every later line of the log.
 */
const MIN_DERIVED_LENGTH = 4
const MAX_JSON_DEPTH = 4

function collect(pieces: Set<string>, value: string, depth: number): void {
  addWithForms(pieces, value)
  const trimmed = value.trim()
  if (depth >= MAX_JSON_DEPTH || !(trimmed.startsWith('{') || trimmed.startsWith('['))) return
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch {
    return // not JSON after all: the value and its lines are already registered
  }
  for (const leaf of leaves(parsed)) collect(pieces, leaf, depth + 1)
}

function addWithForms(pieces: Set<string>, value: string): void {
  if (value === '') return
  const add = (piece: string): void => {
    if (piece.length >= MIN_DERIVED_LENGTH) pieces.add(piece)
    const trimmed = piece.trim()
    if (trimmed !== piece && trimmed.length >= MIN_DERIVED_LENGTH) pieces.add(trimmed)
  }
  add(value)
  for (const line of value.split(/\r?\n|\r/)) if (line.trim() !== '') add(line)
  const escaped = JSON.stringify(value).slice(1, -1)
  if (escaped !== value) add(escaped)
}

function* leaves(node: unknown): Generator<string> {
  if (typeof node === 'string') {
    if (node.length >= MIN_DERIVED_LENGTH) yield node
  } else if (typeof node === 'number' && String(node).length >= MIN_DERIVED_LENGTH) yield String(node)
  else if (Array.isArray(node)) for (const item of node) yield* leaves(item)
  else if (typeof node === 'object' && node !== null) for (const item of Object.values(node)) yield* leaves(item)
}

/**
 * Values shorter than this are not scrubbed from messages: a value such as "app" or "on" would garble every path
 * and word in them (the runner still masks the whole value in the log, whatever its length).
 */
const MIN_SCRUB_LENGTH = 4

/**
 * Every secret handled so far (values read, tokens, JWTs), to take out of message text: error messages and log
 * lines are scrubbed before they are shown, so a server that quotes one path's value in another path's error, or
 * an error raised before a value was exported, never shows it (on CIs that cannot mask this is the only guard).
 */
export class SecretScrubber {
  private readonly pieces = new Set<string>()
  /** Pieces by their first MIN_SCRUB_LENGTH characters: a message is scanned once, not once per piece. */
  private readonly byPrefix = new Map<string, string[]>()

  /** Registers a value's mask pieces (see maskPieces); returns them. */
  add(value: string): string[] {
    const pieces = maskPieces(value)
    this.addPieces(pieces)
    return pieces
  }

  addPieces(pieces: readonly string[]): void {
    for (const p of pieces) {
      if (p.length < MIN_SCRUB_LENGTH || this.pieces.has(p)) continue
      this.pieces.add(p)
      const prefix = p.slice(0, MIN_SCRUB_LENGTH)
      const same = this.byPrefix.get(prefix)
      if (same) same.push(p)
      else this.byPrefix.set(prefix, [p])
    }
  }

  /** `text` with every registered piece replaced by `***` (longest first). */
  scrub(text: string): string {
    if (this.pieces.size === 0 || text.length < MIN_SCRUB_LENGTH) return text
    let found: Set<string> | undefined
    for (let i = 0; i + MIN_SCRUB_LENGTH <= text.length; i++) {
      const candidates = this.byPrefix.get(text.slice(i, i + MIN_SCRUB_LENGTH))
      if (candidates) for (const p of candidates) if (text.startsWith(p, i)) (found ??= new Set()).add(p)
    }
    if (!found) return text
    let out = text
    for (const p of [...found].sort((a, b) => b.length - a.length)) out = out.split(p).join('***')
    return out
  }

  /** A logger that scrubs every message before `log` sees it. */
  logger(log: Logger): Logger {
    return {
      debug: (m) => log.debug(this.scrub(m)),
      info: (m) => log.info(this.scrub(m)),
      warning: (m) => log.warning(this.scrub(m)),
      error: (m) => log.error(this.scrub(m)),
      isDebug: () => log.isDebug(),
    }
  }

  /** Scrubs an error's message in place (its class, and so exit codes and handling, stay) and returns it. */
  scrubError<T>(err: T): T {
    if (err instanceof Error) err.message = this.scrub(err.message)
    return err
  }
}
