/**
 * Everything to register with the log masker for one secret value, before it is exported or logged:
 * the whole value, each non-empty line, the JSON-escaped form (how it looks inside JSON output), each of those
 * without surrounding blanks (an unquoted `echo $X` prints it trimmed), and, for JSON objects/arrays, every string
 * leaf (a leaf that is JSON itself, recursively) and every number leaf of 4+ characters, with the same forms.
 */
export function maskPieces(value: string): string[] {
  const pieces = new Set<string>()
  collect(pieces, value, 0)
  pieces.delete('')
  return [...pieces]
}

/** Trimmed forms shorter than this are not added (they would mask common words all over the log). */
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
    pieces.add(piece)
    const trimmed = piece.trim()
    if (trimmed !== piece && trimmed.length >= MIN_DERIVED_LENGTH) pieces.add(trimmed)
  }
  add(value)
  for (const line of value.split(/\r?\n|\r/)) if (line.trim() !== '') add(line)
  const escaped = JSON.stringify(value).slice(1, -1)
  if (escaped !== value) add(escaped)
}

function* leaves(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node
  else if (typeof node === 'number' && String(node).length >= MIN_DERIVED_LENGTH) yield String(node)
  else if (Array.isArray(node)) for (const item of node) yield* leaves(item)
  else if (typeof node === 'object' && node !== null) for (const item of Object.values(node)) yield* leaves(item)
}
