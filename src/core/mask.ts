/**
 * Everything to register with the log masker for one secret value, before it is exported or logged:
 * the whole value, each non-empty line, the JSON-escaped form (how it looks inside JSON output),
 * and, for JSON objects/arrays, every string leaf with its own lines and escaped form.
 */
export function maskPieces(value: string): string[] {
  const pieces = new Set<string>()
  addWithForms(pieces, value)
  const trimmed = value.trim()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      for (const leaf of stringLeaves(JSON.parse(trimmed) as unknown)) addWithForms(pieces, leaf)
    } catch {
      // not JSON after all: the value and its lines are already registered
    }
  }
  pieces.delete('')
  return [...pieces]
}

function addWithForms(pieces: Set<string>, value: string): void {
  if (value === '') return
  pieces.add(value)
  for (const line of value.split(/\r?\n|\r/)) if (line.trim() !== '') pieces.add(line)
  const escaped = JSON.stringify(value).slice(1, -1)
  if (escaped !== value) pieces.add(escaped)
}

function* stringLeaves(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node
  else if (Array.isArray(node)) for (const item of node) yield* stringLeaves(item)
  else if (typeof node === 'object' && node !== null) for (const item of Object.values(node)) yield* stringLeaves(item)
}
