/**
 * Text that came from a server or an identity provider (Vault's errors and warnings, policy names, PKI serials,
 * claims, OAuth2 errors, KV keys) is data. Before it reaches a log line, an annotation, the job summary or the
 * CLI's output it goes through `untrusted()`: control characters (CR/LF included) are escaped, so it stays on its
 * line, and nothing in it can be read as a GitHub workflow command (`::cmd::` at a line's start, `##[cmd]`) or an
 * Azure DevOps logging command (`##vso[` anywhere in a line, `##[` formatting commands).
 *
 * `guardLines()` is the loggers' last line of defence for whole messages (our own multi-line ones included):
 * it keeps our line breaks but escapes every other control character and defuses each line's start.
 * Every regex here is a single character class or a fixed string: linear in the text's length.
 */

/** C0 and C1 controls, DEL, Unicode line/paragraph separators and bidi overrides (they reorder what a reader sees). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g
/** Azure reads `##vso[` anywhere in a line; `##[` starts a formatting command (and GitHub's old command syntax). */
const HASH_COMMAND = /##(vso)?\[/gi
/** GitHub reads a workflow command at the start of a line, after leading blanks. */
const COLON_COMMAND = /^([ \t]*)::/

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeControl(ch: string): string {
  const named = NAMED[ch]
  if (named !== undefined) return named
  const code = ch.charCodeAt(0)
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

function defuse(line: string): string {
  return line.replace(HASH_COMMAND, (_m, vso: string | undefined) => `##${vso ?? ''}\\x5b`).replace(COLON_COMMAND, '$1\\x3a:')
}

/** One line of server/IdP text, safe to embed in any log line, annotation or CLI output. Idempotent. */
export function untrusted(text: unknown): string {
  const s = typeof text === 'string' ? text : String(text)
  return defuse(s.replace(CONTROL, escapeControl))
}

/** A whole message for a log sink: our line breaks stay, every other control character is escaped, no line starts a command. */
export function guardLines(message: string): string {
  const escaped = message.replace(CONTROL_BUT_LF, escapeControl)
  return escaped.includes('\n') ? escaped.split('\n').map(defuse).join('\n') : defuse(escaped)
}

/** A Markdown code span for the job summary (table cells included): nothing in it is rendered as Markdown or HTML. */
export function markdownCode(text: string): string {
  const s = untrusted(text).replace(/\|/g, '\\|')
  const fence = '`'.repeat(longestRun(s, '`') + 1)
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${s}${pad}${fence}`
}

/** A fenced Markdown code block around `text` (lines already guarded): no line of it can close the fence. */
export function markdownBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1))
  return `${fence}\n${guardLines(text)}\n${fence}`
}

function longestRun(s: string, ch: string): number {
  let best = 0
  let run = 0
  for (const c of s) {
    run = c === ch ? run + 1 : 0
    if (run > best) best = run
  }
  return best
}
