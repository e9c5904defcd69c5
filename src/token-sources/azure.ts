/**
 * Azure DevOps Pipelines: POST $SYSTEM_OIDCREQUESTURI?api-version=7.1 with $SYSTEM_ACCESSTOKEN as bearer;
 * the token is the response's `oidcToken` (aud is always api://AzureADTokenExchange).
 */
import { VaultOidcError } from '../lib/errors.js'
import type { HttpClient } from '../http/client.js'
import type { TokenSource } from '../core/ports.js'

export function azureTokenSource(http: HttpClient, env: NodeJS.ProcessEnv): TokenSource {
  const description = 'Azure DevOps OIDC token'
  return {
    description,
    async fetch() {
      const requestUri = env.SYSTEM_OIDCREQUESTURI
      const accessToken = env.SYSTEM_ACCESSTOKEN
      if (!requestUri) throw new VaultOidcError(`no ${description}: SYSTEM_OIDCREQUESTURI is not set (run this in an Azure Pipelines job)`)
      if (!accessToken) throw new VaultOidcError(`no ${description}: SYSTEM_ACCESSTOKEN is not set; map it into the step with "env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }"`)
      const url = new URL(requestUri)
      url.searchParams.set('api-version', '7.1')
      if (env.AZURE_SERVICE_CONNECTION_ID) url.searchParams.set('serviceConnectionId', env.AZURE_SERVICE_CONNECTION_ID)
      const res = await http.request({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${accessToken}`, 'x-tfs-fedauthredirect': 'Suppress' },
        body: {},
        what: 'Azure DevOps OIDC token request',
      })
      const token = (res.body as { oidcToken?: unknown } | undefined)?.oidcToken
      if (typeof token !== 'string' || token === '') throw new VaultOidcError('the Azure DevOps OIDC endpoint answered without a token ("oidcToken" field)')
      return token
    },
  }
}
