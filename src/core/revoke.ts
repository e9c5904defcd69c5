/** End-of-job cleanup shared by the action's post step and the CLI: leases first, then the token. */
import type { VaultClient } from '../vault/client.js'
import { VaultResponseError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'

export interface RevokeRequest {
  /** A token we obtained by login and own: revoked with revoke-self. */
  readonly token: string | undefined
  /** The token used to revoke leases (the login token, or the user's own token for method "token"). */
  readonly leaseToken: string | undefined
  readonly leases: readonly string[]
  /** A child token we created and exported (childToken): revoked with its own revoke-self. */
  readonly childToken?: string | undefined
}

export interface RevokeReport {
  readonly summary: string
  readonly warnings: readonly string[]
}

export async function revokeAll(vault: VaultClient, request: RevokeRequest, log: Logger): Promise<RevokeReport> {
  const warnings: string[] = []
  let revokedLeases = 0
  if (request.leaseToken) {
    await Promise.all(
      request.leases.map(async (lease) => {
        try {
          await vault.revokeLease(request.leaseToken as string, lease)
          revokedLeases++
        } catch (err) {
          // revoke-self below also revokes every lease the token created
          if (request.token && err instanceof VaultResponseError && err.status === 403)
            log.debug(`lease revocation not permitted by policy; revoking the token revokes it: ${(err as Error).message}`)
          else warnings.push(`could not revoke a lease: ${(err as Error).message}`)
        }
      }),
    )
  }
  let childRevoked = false
  if (request.childToken) {
    try {
      await vault.revokeSelf(request.childToken)
      childRevoked = true
    } catch (err) {
      // a child that used up its num_uses, or that expired, is already gone
      if (err instanceof VaultResponseError && err.status === 403) {
        log.info('the child token is no longer valid (expired, used up or already revoked)')
        childRevoked = true
      } else warnings.push(`could not revoke the child token: ${(err as Error).message}`)
    }
  }
  let tokenRevoked = false
  if (request.token) {
    try {
      await vault.revokeSelf(request.token)
      tokenRevoked = true
    } catch (err) {
      if (err instanceof VaultResponseError && err.vaultErrors.some((e) => /batch tokens cannot be revoked/.test(e)))
        log.info('the token is a batch token; it expires by itself')
      else if (err instanceof VaultResponseError && err.status === 403)
        log.info('the token is no longer valid (expired or already revoked)')
      else warnings.push(`could not revoke the Vault token: ${(err as Error).message}`)
    }
  }
  const parts = [
    request.childToken ? (childRevoked ? 'revoked the child token' : 'the child token was not revoked') : undefined,
    request.token ? (tokenRevoked ? 'revoked the Vault token' : 'the Vault token was not revoked') : undefined,
    request.leases.length > 0 ? `revoked ${revokedLeases}/${request.leases.length} lease(s) explicitly` : undefined,
  ]
  return { summary: parts.filter(Boolean).join('; ') || 'nothing to revoke', warnings }
}
