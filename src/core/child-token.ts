/**
 * childToken: a token made from the login token (auth/token/create) with fewer policies, a TTL and a use limit
 * chosen by the inputs, exported instead of the login token. An orphan when the policy allows it (so the login
 * token can be revoked at once); otherwise a child of the login token, which then has to live as long as it.
 */
import type { ChildTokenConfig } from './config.js'
import type { VaultClient } from '../vault/client.js'
import { VaultOidcError, VaultResponseError } from '../lib/errors.js'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import type { Logger } from '../lib/log.js'
import { untrusted } from '../lib/untrusted.js'

export interface ChildToken {
  readonly token: string
  readonly policies: readonly string[]
  readonly ttl: number
  readonly renewable: boolean
  readonly numUses: number
  /** True when it does not depend on the login token (auth/token/create-orphan). */
  readonly orphan: boolean
}

export async function createChildToken(
  vault: Pick<VaultClient, 'createToken'>,
  c: ChildTokenConfig,
  log: Logger,
  mask: (token: string) => void,
  inputName: InputNamer = actionInputName,
): Promise<ChildToken> {
  const body = {
    display_name: 'vault-oidc-child',
    ...(c.policies.length > 0 ? { policies: c.policies } : {}),
    ...(c.ttlSeconds !== undefined ? { ttl: `${c.ttlSeconds}s` } : {}),
    num_uses: c.numUses,
  }
  let orphan = true
  let info
  try {
    info = await vault.createToken(body, true)
  } catch (err) {
    if (!(err instanceof VaultResponseError) || err.status !== 403) throw explain(err, inputName)
    log.info(
      'the login token may not create an orphan token (auth/token/create-orphan); creating a child of it instead, so it is kept until the end of the job',
    )
    orphan = false
    try {
      info = await vault.createToken(body, false)
    } catch (err2) {
      throw explain(err2, inputName)
    }
  }
  mask(info.clientToken)
  log.info(
    `created a child token: policies ${info.policies.map(untrusted).join(', ') || '(none)'}; TTL ${info.leaseDuration}s${c.numUses > 0 ? `; ${c.numUses} use(s)` : ''}${orphan ? '; orphan' : ''}`,
  )
  return {
    token: info.clientToken,
    policies: info.policies,
    ttl: info.leaseDuration,
    renewable: info.renewable,
    numUses: c.numUses,
    orphan,
  }
}

function explain(err: unknown, inputName: InputNamer): unknown {
  if (!(err instanceof VaultResponseError)) return err
  const said = untrusted(err.vaultErrors.join('; ')) || `HTTP ${err.status}`
  if (err.status === 403) {
    return new VaultOidcError(
      `Vault refused to create the child token (${said}). "${inputName('childToken')}" needs a policy rule on the login token: ` +
        'path "auth/token/create" { capabilities = ["update"] } (and "auth/token/create-orphan" to let the login token be revoked at once)',
    )
  }
  if (/subset/.test(said))
    return new VaultOidcError(
      `Vault refused the child token's policies (${said}): "${inputName('childTokenPolicies')}" may only name policies the login token has`,
    )
  return new VaultOidcError(
    `Vault refused to create the child token (HTTP ${err.status}): ${said}; check "${inputName('childTokenPolicies')}", "${inputName('childTokenTtl')}" and "${inputName('childTokenNumUses')}"`,
  )
}
