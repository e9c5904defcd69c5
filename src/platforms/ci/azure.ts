/**
 * Azure DevOps Pipelines: the OIDC token from the pipeline's OIDC endpoint (aud is always api://AzureADTokenExchange).
 * Every value is registered with the agent's masker by the `##vso[task.setsecret]` logging
 * command before it is written or used; the agent then masks it in this step's output and in every later step's.
 */
import type { Masker, TokenSource } from '../../core/ports.js'
import type { HttpClient } from '../../http/client.js'
import { VaultOidcError } from '../../lib/errors.js'
import type { CiPlatform } from './types.js'

/** The logging command's data escaping (the agent turns these back before registering the value). */
function setSecretCommand(value: string): string {
  return `##vso[task.setsecret]${value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`
}

/** `write` is where the agent reads logging commands: stdout, or stderr while stdout carries data (`--output -`). */
function azureMasker(write: (text: string) => void): Masker {
  return {
    masks: true,
    mask(value) {
      if (value !== '') write(setSecretCommand(value))
    },
  }
}

/** POST $SYSTEM_OIDCREQUESTURI?api-version=7.1 with $SYSTEM_ACCESSTOKEN as bearer; the token is the response's `oidcToken`. */
function azureTokenSource(http: HttpClient, env: NodeJS.ProcessEnv): TokenSource {
  const description = 'Azure DevOps OIDC token'
  return {
    description,
    async fetch() {
      const requestUri = env.SYSTEM_OIDCREQUESTURI
      const accessToken = env.SYSTEM_ACCESSTOKEN
      if (!requestUri) throw new VaultOidcError(`no ${description}: SYSTEM_OIDCREQUESTURI is not set (run this in an Azure Pipelines job)`)
      if (!accessToken)
        throw new VaultOidcError(
          `no ${description}: SYSTEM_ACCESSTOKEN is not set; map it into the step with "env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }"`,
        )
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
      if (typeof token !== 'string' || token === '')
        throw new VaultOidcError('the Azure DevOps OIDC endpoint answered without a token ("oidcToken" field)')
      return token
    },
  }
}

export const azure: CiPlatform = {
  name: 'azure',
  title: 'Azure DevOps',
  detect: (env) => env.TF_BUILD?.toLowerCase() === 'true',
  tokenSource: ({ http, env }) => azureTokenSource(http(), env),
  fixedAudience: 'Azure DevOps tokens always have aud api://AzureADTokenExchange: bind exactly that',
  /** `##vso[task.setsecret]` on stdout, where the agent reads logging commands, or on stderr while stdout is data. */
  masker: (_env, _log, io) => azureMasker(io.stdoutIsData ? io.stderr : io.stdout),
  claims: ['prj_id', 'rpo_ref'],
}
