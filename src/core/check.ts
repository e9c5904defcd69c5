/**
 * Check mode: log in, ask Vault which requested paths this token may read (sys/capabilities-self), confirm each
 * readable one exists, and report path → ok / denied / missing with the token's policies and TTL. Exports nothing.
 */
import { login } from './login.js'
import { VaultResponseError } from '../lib/errors.js'
import { resolvePaths } from './kv.js'
import { mapLimit } from '../lib/limit.js'
import { untrusted } from '../lib/untrusted.js'
import type { RunDeps } from './run.js'

export type PathStatus = 'ok' | 'denied' | 'missing'

export interface CheckReport {
  readonly ok: boolean
  readonly paths: ReadonlyArray<{
    readonly written: string
    readonly api: string
    readonly status: PathStatus
    readonly capabilities: readonly string[]
  }>
  /** Undefined when a given token may not look itself up. */
  readonly policies?: readonly string[]
  readonly ttl?: number
}

export async function runCheck(deps: Omit<RunDeps, 'cleanup'> & { cleanup?: RunDeps['cleanup'] }): Promise<CheckReport> {
  const { config, log } = deps
  const auth = await login({
    vault: deps.vault,
    auth: config.auth,
    ...(deps.tokenSource ? { tokenSource: deps.tokenSource } : {}),
    log,
    mask: (s) => deps.sink.mask(s),
    inputName: config.inputName,
  })
  const vault = deps.vault.withToken(auth.token)
  if (auth.loggedIn && config.revokeToken) deps.cleanup?.saveToken(auth.token)
  try {
    // the login answer has the policies and TTL; a given token is looked up (a token without the default policy may not)
    const identity = auth.info ? { policies: auth.info.policies, ttl: auth.info.leaseDuration } : await lookupSelf(vault, log)
    const paths = await checkPaths({ ...deps, vault }, auth.token)
    return { ok: paths.every((p) => p.status === 'ok'), paths, ...identity }
  } finally {
    if (auth.loggedIn && config.revokeToken) {
      await vault
        .revokeSelf(auth.token)
        .catch((err: unknown) => log.warning(`could not revoke the check's token: ${(err as Error).message}`))
    }
  }
}

async function lookupSelf(
  vault: RunDeps['vault'],
  log: RunDeps['log'],
): Promise<{ policies: readonly string[]; ttl: number } | Record<string, never>> {
  try {
    return await vault.lookupSelf()
  } catch (err) {
    if (!(err instanceof VaultResponseError) || err.status !== 403) throw err
    log.debug(`the token may not look itself up (auth/token/lookup-self): ${err.message}`)
    return {}
  }
}

async function checkPaths(deps: Omit<RunDeps, 'cleanup'>, token: string): Promise<CheckReport['paths']> {
  const { config, vault, log } = deps
  const written = [...new Set([...config.secrets.map((e) => e.path), ...config.pki.map((p) => p.path)])]
  const resolved = await resolvePaths(written, vault, log)
  const apiPaths = written.map((w) => (resolved.get(w)?.api ?? w).replace(/\?.*$/, ''))
  const caps = apiPaths.length > 0 ? await vault.capabilitiesSelf([...new Set(apiPaths)]) : {}
  // pki and `path {JSON} selector` entries write: a write is checked by capability only (it would issue something)
  const pkiPaths = new Set([...config.pki.map((p) => p.path), ...config.secrets.filter((e) => e.body !== undefined).map((e) => e.path)])
  return mapLimit(written, config.concurrency, async (w, i) => {
    const api = apiPaths[i] as string
    const capabilities = caps[api] ?? []
    // a write (PKI issue, ssh/sign…) has no existence check, so Vault authorizes the write as "update" ("create" alone is refused)
    const needed = pkiPaths.has(w) ? ['update'] : ['read']
    const allowed = capabilities.includes('root') || capabilities.some((c) => needed.includes(c))
    if (!allowed) return { written: w, api, status: 'denied' as const, capabilities }
    if (pkiPaths.has(w)) return { written: w, api, status: 'ok' as const, capabilities }
    let res
    try {
      res = await vault.read(resolved.get(w)?.api ?? w)
    } catch (err) {
      // capabilities can allow a read that a control group, Sentinel or a namespace boundary still refuses
      if (err instanceof VaultResponseError && err.status === 403) return { written: w, api, status: 'denied' as const, capabilities }
      throw err
    }
    // a dynamic secret read only to check it: give its lease back at once
    const lease = res.body?.lease_id
    if (lease)
      await vault
        .revokeLease(token, lease)
        .catch((err: unknown) => log.warning(`could not revoke the lease the check created at ${w}: ${(err as Error).message}`))
    return { written: w, api, status: res.status === 404 ? ('missing' as const) : ('ok' as const), capabilities }
  })
}

export function checkReport(report: CheckReport): string {
  const width = Math.max(4, ...report.paths.map((p) => p.written.length))
  const lines = [`${'PATH'.padEnd(width)}  STATUS   CAPABILITIES`]
  // capabilities and policy names are the server's text: neutralised (one line each, no log or Markdown commands)
  for (const p of report.paths)
    lines.push(
      `${p.written.padEnd(width)}  ${p.status.padEnd(7)}  ${p.capabilities.map(untrusted).join(',') || '-'}${p.api !== p.written ? `  (reads ${p.api})` : ''}`,
    )
  lines.push(
    '',
    report.policies
      ? `token policies: ${report.policies.map(untrusted).join(', ') || '(none)'}; ttl: ${Number(report.ttl ?? 0)}s`
      : 'token policies and ttl: unknown (the token may not look itself up)',
  )
  return lines.join('\n')
}
