/**
 * vault-action's name rules, kept for drop-in compatibility:
 * every `.` becomes `__`, `-` is dropped, anything but a Unicode letter, digit or `_` is dropped;
 * env names are upper-cased, a-z only (vault-action upper-cases every script: `gıthub_path` became GITHUB_PATH).
 * A name given with `| NAME` is used verbatim.
 */
import { asciiUpper, isProtectedName } from './protected-names.js'
import { untrusted } from './untrusted.js'

export function normalizeName(key: string, upperCase: boolean): string {
  const out = key
    .replace(/\./g, '__')
    .replace(/-/g, '')
    .replace(/[^\p{L}\p{N}_]/gu, '')
  return upperCase ? asciiUpper(out) : out
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

/** What a name check needs to know about one export. */
export interface NamedExport {
  readonly outputName: string
  /** Undefined when exportEnv is off. */
  readonly envName: string | undefined
  /** Where it came from, for messages (a path, never a value). */
  readonly source: string
  /** Set when the server chose the name: a wildcard expanded over the keys it sent. */
  readonly derived?: { readonly entry: string; readonly path: string; readonly key: string }
}

/**
 * Names the server chose (`*`, `**`) must be usable and harmless: not empty, a portable name, not a protected
 * one (src/core/protected-names.ts, any case), and not exactly the name of another export of the same step. Returns one message per
 * problem (empty when all is well); each names the path and the key, never a value, and how to take the key anyway.
 */
export function derivedNameProblems(exports: readonly NamedExport[]): string[] {
  const problems: string[] = []
  const envOwners = new Map<string, NamedExport[]>()
  const outputOwners = new Map<string, NamedExport[]>()
  for (const e of exports) {
    if (e.envName !== undefined && e.envName !== '') remember(envOwners, e.envName, e)
    if (e.outputName !== '') remember(outputOwners, e.outputName, e)
  }
  for (const e of exports) {
    const d = e.derived
    if (!d) continue
    const key = `"${untrusted(d.key)}"`
    const take = `to take this key anyway, name it yourself: ${d.path} ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.key) ? d.key : key} | MY_NAME`
    const where = `${d.entry}: the key ${key}`
    if (e.envName !== undefined) {
      if (e.envName === '') problems.push(`${where} gives an empty environment variable name; ${take}`)
      else if (!isValidEnvName(e.envName))
        problems.push(
          `${where} gives "${untrusted(e.envName)}", which is not a portable environment variable name (ASCII letters, digits and _, not starting with a digit); ${take}`,
        )
      else if (isProtectedName(e.envName))
        problems.push(
          `${where} would set ${e.envName}, a protected name a secret's keys may not choose (it changes how later steps run; see "Protected names" in docs/security.md); ${take}`,
        )
      else {
        const other = envOwners.get(e.envName)?.find((o) => o !== e)
        if (other)
          problems.push(
            `${where} gives ${e.envName}, the name of another environment variable of this step (from ${describeOwner(other)}); ${take}`,
          )
      }
    }
    if (e.outputName === '') {
      if (e.envName === undefined) problems.push(`${where} gives an empty output name; ${take}`)
    } else {
      const other = outputOwners.get(e.outputName)?.find((o) => o !== e)
      if (other)
        problems.push(
          `${where} gives the output ${untrusted(e.outputName)}, the name of another output of this step (from ${describeOwner(other)}); ${take}`,
        )
    }
  }
  return [...new Set(problems)]
}

function remember(owners: Map<string, NamedExport[]>, name: string, e: NamedExport): void {
  const list = owners.get(name)
  if (list) list.push(e)
  else owners.set(name, [e])
}

function describeOwner(e: NamedExport): string {
  return e.derived ? `${e.derived.entry} (key "${untrusted(e.derived.key)}")` : e.source
}
