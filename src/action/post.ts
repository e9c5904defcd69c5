/**
 * The post step (runs even when the job failed): revoke the leases the main step obtained, then the token.
 * A failure here is a warning, never a job failure.
 */
import { readConnection, type InputReader } from '../config/connection.js'
import { errorMessage } from '../lib/errors.js'
import { revokeAll } from '../core/revoke.js'
import type { Platform } from '../platforms/types.js'
import { connect } from '../vault/connect.js'
import { STATE_CHILD_TOKEN, STATE_LEASES, STATE_TOKEN } from './state.js'

export async function runPostAction(platform: Platform, get: InputReader): Promise<void> {
  const token = platform.getState(STATE_TOKEN)
  const childToken = platform.getState(STATE_CHILD_TOKEN)
  let leases: string[] = []
  try {
    const raw = platform.getState(STATE_LEASES)
    leases = raw ? (JSON.parse(raw) as string[]) : []
  } catch {
    platform.log.warning('the saved lease list is unreadable; only the token will be revoked')
  }
  if (!token && !childToken && leases.length === 0) {
    platform.log.info('nothing to revoke (no token obtained by login, no leases)')
    return
  }
  let close = (): void => undefined
  try {
    const conn = readConnection(get)
    const { http, vault } = connect(
      { ...conn, retries: Math.min(conn.retries, 2) },
      platform.log,
      Date.now() + Math.min(conn.timeoutMs, 60_000),
    )
    close = () => http.close()
    const leaseToken = token || get('token').trim()
    if (leaseToken) platform.mask(leaseToken)
    if (childToken) platform.mask(childToken)
    const report = await revokeAll(
      vault,
      { token: token || undefined, leaseToken: leaseToken || undefined, leases, childToken: childToken || undefined },
      platform.log,
    )
    for (const w of report.warnings) platform.log.warning(w)
    platform.log.info(report.summary)
  } catch (err) {
    platform.log.warning(`could not revoke the Vault token/leases: ${errorMessage(err)}`)
  } finally {
    close()
  }
}
