/**
 * vault-action's name rules, kept for drop-in compatibility:
 * every `.` becomes `__`, `-` is dropped, anything but a Unicode letter, digit or `_` is dropped;
 * env names are upper-cased. A name given with `| NAME` is used verbatim.
 */
export function normalizeName(key: string, upperCase: boolean): string {
  const out = key
    .replace(/\./g, '__')
    .replace(/-/g, '')
    .replace(/[^\p{L}\p{N}_]/gu, '')
  return upperCase ? out.toUpperCase() : out
}

/** What the normaliser removed from `key`, for the warning that explains a surprising name. */
export function droppedCharacters(key: string): string[] {
  const dropped = new Set<string>()
  for (const ch of key.replace(/\./g, '')) if (!/[\p{L}\p{N}_]/u.test(ch)) dropped.add(ch)
  return [...dropped]
}

/** A name the shell and the runner accept as an environment variable. */
export function isValidEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
}
