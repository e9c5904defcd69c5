/**
 * KV v2 paths without `/data/`: find each mount's engine and KV version once (sys/internal/ui/mounts),
 * then insert `data/` after the mount for v2 unless the path already has it (or is a `metadata/` or `subkeys/`
 * path). Explicit paths are never doubled.
 */
import { DeadlineError, VaultResponseError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { untrusted } from '../lib/untrusted.js'
import type { MountInfo, VaultClient } from '../vault/client.js'

export interface ResolvedPath {
  /** The path as the user wrote it (query string included). */
  readonly written: string
  /** The API path that is read. */
  readonly api: string
  readonly mount?: MountInfo
}

export async function resolvePaths(
  paths: readonly string[],
  vault: Pick<VaultClient, 'mountInfo' | 'namespace'>,
  log: Logger,
): Promise<Map<string, ResolvedPath>> {
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

async function lookup(vault: Pick<VaultClient, 'mountInfo' | 'namespace'>, path: string, log: Logger): Promise<MountInfo | undefined> {
  try {
    const found = (await vault.mountInfo(path)) ?? (vault.namespace ? await lookupInChildNamespace(vault, path, log) : undefined)
    const info = found && { ...found, path: mountAsWritten(path, found.path) }
    if (!info) log.debug(`mount lookup for "${path}" was not allowed or not supported; reading the path as written`)
    else
      log.debug(`"${path}" is on mount "${untrusted(info.path)}" (${untrusted(info.type)}${info.kvVersion ? ` v${info.kvVersion}` : ''})`)
    return info
  } catch (err) {
    // a rate limit (still there after the retries) or the deadline is the real failure: reading the path as written
    // would only turn it into a misleading "permission denied" for a KV v2 path without data/
    if (err instanceof DeadlineError || (err instanceof VaultResponseError && err.status === 429)) throw err
    log.debug(`mount lookup for "${path}" failed (${(err as Error).message}); reading the path as written`)
    return undefined
  }
}

/**
 * Inside a namespace, OpenBao 2.6 refuses (403) a non-root token's lookup of a path in a namespace below it
 * ("ci/secret/app" read in "team-a", secret/ mounted in team-a/ci), even when the token may read there. Asking the
 * child namespace itself works (`ci/sys/internal/ui/mounts/secret/app`), so each leading run of segments is tried
 * as that namespace, shortest first, until one answers. Only with a namespace set: at the root the lookup works.
 */
async function lookupInChildNamespace(vault: Pick<VaultClient, 'mountInfo'>, path: string, log: Logger): Promise<MountInfo | undefined> {
  const segments = path.split('/')
  for (let i = 1; i < segments.length - 1; i++) {
    const child = `${segments.slice(0, i).join('/')}/`
    const info = await vault.mountInfo(segments.slice(i).join('/'), child)
    if (info) {
      log.debug(`mount lookup for "${path}" was refused; asked namespace "${child}" instead`)
      return { ...info, path: `${child}${info.path}` }
    }
  }
  return undefined
}

/**
 * The mount as `path` spells it. A mount in a namespace below the request's comes back with that namespace's path
 * from the root (OpenBao: "team-a/ci/secret/" for "ci/secret/app" read with namespace "team-a"), so the mount is
 * the longest tail of whole segments of `mountPath` that `path` starts with.
 */
export function mountAsWritten(path: string, mountPath: string): string {
  const segments = mountPath.split('/').filter(Boolean)
  for (let i = 0; i < segments.length; i++) {
    const tail = `${segments.slice(i).join('/')}/`
    if (`${path}/`.startsWith(tail)) return tail
  }
  return mountPath
}

export function apiPath(written: string, mount: MountInfo | undefined): string {
  if (mount?.kvVersion !== 2) return written
  const { path, query } = splitQuery(written)
  const rest = (path + '/').startsWith(mount.path) ? path.slice(mount.path.length) : undefined
  // data/ is already there; metadata/ and subkeys/ are KV v2 endpoints of their own, read as written (as vault-action does)
  if (rest === undefined || /^(data|metadata|subkeys)(\/|$)/.test(rest)) return written
  return `${mount.path}data/${rest}${query}`
}

export function splitQuery(written: string): { path: string; query: string } {
  const q = written.indexOf('?')
  return q < 0 ? { path: written, query: '' } : { path: written.slice(0, q), query: written.slice(q) }
}
