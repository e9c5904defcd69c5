/**
 * OAuth2 client credentials (RFC 6749 §4.4): POST grant_type=client_credentials (+ scope, audience) to the token
 * endpoint through our HTTP client; the access_token (a JWT) is what Vault's jwt auth verifies.
 * The client authenticates with HTTP Basic (the RFC's must-support) or, with clientAuth "post", in the body.
 */
import { VaultOidcError } from '../lib/errors.js'
import { untrusted } from '../lib/untrusted.js'
import type { HttpClient } from '../http/client.js'
import type { TokenSource } from '../core/ports.js'

export interface OAuth2Options {
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly scope?: string
  readonly audience?: string
  readonly clientAuth: 'basic' | 'post'
}

export function oauth2TokenSource(http: HttpClient, options: OAuth2Options): TokenSource {
  const url = new URL(options.tokenUrl)
  return {
    description: `OAuth2 access token from ${url.host}`,
    async fetch() {
      const form = new URLSearchParams({ grant_type: 'client_credentials' })
      if (options.scope) form.set('scope', options.scope)
      if (options.audience) form.set('audience', options.audience)
      const headers: Record<string, string> = {}
      if (options.clientAuth === 'post') {
        form.set('client_id', options.clientId)
        form.set('client_secret', options.clientSecret)
      } else {
        headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`
      }
      const res = await http.request({
        method: 'POST',
        url,
        headers,
        body: form,
        acceptStatuses: [400, 401, 403],
        what: `OAuth2 token request to ${url.host}`,
      })
      const body = (res.body ?? {}) as { access_token?: unknown; error?: unknown; error_description?: unknown }
      if (res.status >= 400) {
        const said = [body.error, body.error_description]
          .filter((x) => typeof x === 'string' && x !== '')
          .join(': ')
          .slice(0, 300)
        // the identity provider's text is data: one line, no log commands
        throw new VaultOidcError(
          `the OAuth2 token endpoint ${url.host} refused the client credentials (HTTP ${res.status})${said ? `: ${untrusted(said)}` : ''}. ` +
            'Check --oauth2-client-id and the client secret; some servers want --oauth2-client-auth post.',
        )
      }
      if (typeof body.access_token !== 'string' || body.access_token === '')
        throw new VaultOidcError(`the OAuth2 token endpoint ${url.host} answered without an access_token`)
      return body.access_token
    },
  }
}
