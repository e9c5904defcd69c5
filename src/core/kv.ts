/**
 * KV v2 paths without `/data/`: find each mount's engine and KV version once (sys/internal/ui/mounts),
 * then insert `data/` after the mount for v2 unless the path already has it (or is a `metadata/` or `subkeys/`
 * path). Explicit paths are never doubled.
 */
import { DeadlineError, VaultResponseError } from './errors.js'
import type { Logger } from './log.js'
import type { MountInfo, VaultClient } from '../vault/client.js'

export interface ResolvedPath {
  /** The path as the user wrote it (query string included). */
  readonly written: string
  /** The API path that is read. */
  readonly api: string
  readonly mount?: MountInfo
}

export async function resolvePaths(paths: readonly string[], vault: Pick<VaultClient, 'mountInfo'>, log: Logger): Promise<Map<string, ResolvedPath>> {
  const byFirstSegment = new Map<string, string[]>()
  for (const p of new Set(paths)) {
    const first = splitQuery(p).path.split('/')[0] ?? ''
    byFirstSegment.set(first, [...(byFirstSegment.get(first) ?? []), p])
  }
  const out = new Map<string, ResolvedPath>()
  await Promise.all(
    [...byFirstSegment.values()].map(async (group) => {
      const mounts: MountInfo[] = []
      // after one denied/failed lookup, the rest of the group is read as written (one lookup, not one per path)
      let unknown = false
      for (const written of group) {
        const { path } = splitQuery(written)
        let mount = mounts.find((m) => (path + '/').startsWith(m.path))
        if (!mount && !unknown) {
          mount = await lookup(vault, path, log)
          if (mount) mounts.push(mount)
          else unknown = true
        }
        out.set(written, { written, api: apiPath(written, mount), ...(mount ? { mount } : {}) })
      }
    }),
  )
  return out
}

async function lookup(vault: Pick<VaultClient, 'mountInfo'>, path: string, log: Logger): Promise<MountInfo | undefined> {
  try {
    const info = await vault.mountInfo(path)
    if (!info) log.debug(`mount lookup for "${path}" was not allowed or not supported; reading the path as written`)
    else log.debug(`"${path}" is on mount "${info.path}" (${info.type}${info.kvVersion ? ` v${info.kvVersion}` : ''})`)
    return info
  } catch (err) {
    // a rate limit (still there after the retries) or the deadline is the real failure: reading the path as written
    // would only turn it into a misleading "permission denied" for a KV v2 path without data/
    if (err instanceof DeadlineError || (err instanceof VaultResponseError && err.status === 429)) throw err
    log.debug(`mount lookup for "${path}" failed (${(err as Error).message}); reading the path as written`)
    return undefined
  }
}

export function apiPath(written: string, mount: MountInfo | undefined): string {
  if (mount?.kvVersion !== 2) return written
  const { path, query } = splitQuery(written)
  const rest = (path + '/').startsWith(mount.path) ? path.slice(mount.path.length) : undefined
  // data/ is already there; metadata/ and subkeys/ are KV v2 endpoints of their own, read as written (as vault-action does)
  if (rest === undefined || /^(data|metadata|subkeys)(\/|$)/.test(rest)) return written
  return `${mount.path}data/${rest}${query}`
}

export function splitQuery(p: string): { path: string; query: string } {
  const q = p.indexOf('?')
  return q < 0 ? { path: p, query: '' } : { path: p.slice(0, q), query: p.slice(q) }
}
