/**
 * OAuth2 client credentials (RFC 6749 §4.4): POST grant_type=client_credentials (+ scope, audience) to the token
 * endpoint through our HTTP client; the access_token (a JWT) is what Vault's jwt auth verifies.
 * The client authenticates with HTTP Basic (the RFC's must-support) or, with clientAuth "post", in the body.
 */
import { VaultOidcError } from '../core/errors.js'
import { untrusted } from '../core/untrusted.js'
import type { HttpClient } from '../http/client.js'
import type { TokenSource } from './types.js'

export interface OAuth2Options {
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly scope?: string
  readonly audience?: string
  readonly clientAuth: 'basic' | 'post'
}

export function oauth2TokenSource(http: HttpClient, o: OAuth2Options): TokenSource {
  const url = new URL(o.tokenUrl)
  return {
    description: `OAuth2 access token from ${url.host}`,
    async fetch() {
      const form = new URLSearchParams({ grant_type: 'client_credentials' })
      if (o.scope) form.set('scope', o.scope)
      if (o.audience) form.set('audience', o.audience)
      const headers: Record<string, string> = {}
      if (o.clientAuth === 'post') {
        form.set('client_id', o.clientId)
        form.set('client_secret', o.clientSecret)
      } else {
        headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString('base64')}`
      }
      const res = await http.request({ method: 'POST', url, headers, body: form, acceptStatuses: [400, 401, 403], what: `OAuth2 token request to ${url.host}` })
      const body = (res.body ?? {}) as { access_token?: unknown; error?: unknown; error_description?: unknown }
      if (res.status >= 400) {
        const said = [body.error, body.error_description].filter((x) => typeof x === 'string' && x !== '').join(': ').slice(0, 300)
        // the identity provider's text is data: one line, no log commands
        throw new VaultOidcError(
          `the OAuth2 token endpoint ${url.host} refused the client credentials (HTTP ${res.status})${said ? `: ${untrusted(said)}` : ''}. ` +
            'Check --oauth2-client-id and the client secret; some servers want --oauth2-client-auth post.',
        )
      }
      if (typeof body.access_token !== 'string' || body.access_token === '') throw new VaultOidcError(`the OAuth2 token endpoint ${url.host} answered without an access_token`)
      return body.access_token
    },
  }
}
