/** Limits on what is exported, checked before anything is masked, printed or exported. */
import { VaultOidcError } from '../lib/errors.js'

/**
 * The most one environment variable can hold: Linux's MAX_ARG_STRLEN (32 pages = 128 KiB) for each "NAME=value"
 * string, counted in bytes with its terminating NUL. A bigger variable makes every later process start fail with
 * E2BIG ("Argument list too long"): on GitHub every later step of the job, with the CLI the `exec` child.
 */
export const MAX_ENV_VAR_BYTES = 128 * 1024

export interface SizedExport {
  readonly envName: string | undefined
  readonly outputName: string
  readonly value: string
  readonly source: string
}

/** Throws (naming each variable and where it came from, never its value) when a variable would not fit. */
export function checkEnvSizes(exports: readonly SizedExport[]): void {
  const tooBig = exports.filter(
    (e) =>
      e.envName !== undefined &&
      e.value.length + e.envName.length + 2 > MAX_ENV_VAR_BYTES / 4 &&
      Buffer.byteLength(`${e.envName}=${e.value}`) + 1 > MAX_ENV_VAR_BYTES,
  )
  if (tooBig.length === 0) return
  const list = tooBig.map((e) => `${e.envName} (from ${e.source}, ${Buffer.byteLength(e.value)} bytes)`).join(', ')
  throw new VaultOidcError(
    `${list}: too large for an environment variable: "NAME=value" can hold at most ${MAX_ENV_VAR_BYTES / 1024} KiB (Linux MAX_ARG_STRLEN), and a bigger one makes every later process fail to start (E2BIG). ` +
      'Nothing was exported. Keep a reference or a file path in Vault instead of the content, or (in the action) take it as a step output only with exportEnv: false',
  )
}
