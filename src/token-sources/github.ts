import type { HttpClient } from '../http/client.js'
import { VaultOidcError } from '../lib/errors.js'
import type { TokenSource } from '../core/ports.js'

/**
 * GitHub Actions' ID token: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=... with the request token as bearer.
 * Requested through the shared HTTP client, so it gets the same retries, timeouts and proxy handling.
 */
export function githubIdTokenSource(http: HttpClient, env: NodeJS.ProcessEnv, audience: string | undefined, onToken: (jwt: string) => void): TokenSource {
  return {
    description: `GitHub Actions ID token${audience ? ` (audience "${audience}")` : ' (default audience)'}`,
    async fetch() {
      const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL
      const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
      if (!requestUrl || !requestToken) {
        throw new VaultOidcError(
          'cannot request a GitHub OIDC ID token: ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set. ' +
            'Add "permissions: id-token: write" to the job (or workflow); pull requests from forks get no ID token.',
        )
      }
      const url = new URL(requestUrl)
      if (audience) url.searchParams.set('audience', audience)
      const res = await http.request({ method: 'GET', url, headers: { authorization: `Bearer ${requestToken}` }, what: 'GitHub ID token request' })
      const value = (res.body as { value?: unknown } | undefined)?.value
      if (typeof value !== 'string' || value === '') throw new VaultOidcError('the GitHub ID token endpoint answered without a token ("value" field)')
      onToken(value)
      return value
    },
  }
}
