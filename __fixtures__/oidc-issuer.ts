/**
 * A loopback OIDC issuer that behaves like GitHub Actions' ID-token endpoint:
 * GET <requestUrl>&audience=X with "Authorization: Bearer <requestToken>" → {"value": "<jwt>"},
 * GitHub-shaped claims, RS256, and a JWKS at /.well-known/jwks for Vault's jwks_url.
 * The demo (scripts/demo.mjs) loads it too, through scripts/lib/fixtures.mjs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'

export interface IssuerOptions {
  /** Extra/overriding claims for every token. */
  readonly claims?: Record<string, unknown>
  /** Audience when the request names none (GitHub: https://github.com/<owner>). */
  readonly defaultAudience?: string
}

export interface MintOptions {
  readonly audience?: string | string[]
  readonly claims?: Record<string, unknown>
  /** Seconds from now; negative for an already expired token. Default: the issuer's `expiresIn`. */
  readonly expiresIn?: number
}

export interface OidcIssuer {
  readonly url: string
  readonly issuer: string
  readonly jwksUrl: string
  /** ACTIONS_ID_TOKEN_REQUEST_URL (already has a query string, like GitHub's). */
  readonly requestUrl: string
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  readonly requestToken: string
  readonly publicJwk: JWK
  /** Audiences asked for, in order ('' when none). */
  readonly audiences: string[]
  /** Claims used for tokens handed out by the endpoint (mutable per test). */
  claims: Record<string, unknown>
  /** Fail the next N token requests with this status. */
  failNext(count: number, status: number): void
  /** Delay every token response by this many ms. */
  delayMs: number
  /** Lifetime in seconds of the tokens the endpoint hands out (default 300, GitHub's); negative: already expired. */
  expiresIn: number
  mint(o?: MintOptions): Promise<string>
  /** The env a GitHub runner gives a job with `id-token: write`. */
  githubEnv(): Record<string, string>
  close(): Promise<void>
}

export const GITHUB_CLAIMS = {
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  repository: 'octo-org/octo-repo',
  repository_owner: 'octo-org',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
  workflow: 'deploy',
  event_name: 'push',
  actor: 'octocat',
  runner_environment: 'github-hosted',
} as const

export async function startOidcIssuer(o: IssuerOptions = {}): Promise<OidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }
  const requestToken = `req-${Math.random().toString(36).slice(2)}`
  let failures = { count: 0, status: 500 }
  let base = ''
  const server = createServer((req, res) => void handle(req, res))

  const issuer: OidcIssuer = {
    url: '',
    issuer: '',
    jwksUrl: '',
    requestUrl: '',
    requestToken,
    publicJwk,
    audiences: [] as string[],
    claims: { ...GITHUB_CLAIMS, ...o.claims },
    delayMs: 0,
    expiresIn: 300,
    failNext(count: number, status: number) {
      failures = { count, status }
    },
    async mint(m: MintOptions = {}) {
      const now = Math.floor(Date.now() / 1000)
      const expiresIn = m.expiresIn ?? issuer.expiresIn
      // an already expired token was also issued in the past, like a real one that sat around
      const issuedAt = Math.min(now - 5, now + expiresIn - 60)
      const jwt = new SignJWT({ ...issuer.claims, ...m.claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
        .setIssuer(issuer.issuer)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(now + expiresIn)
        .setJti(Math.random().toString(36).slice(2))
      jwt.setAudience(m.audience ?? o.defaultAudience ?? 'https://github.com/octo-org')
      return jwt.sign(privateKey)
    },
    githubEnv() {
      return { ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    if (url.pathname === '/.well-known/jwks') return json(res, 200, { keys: [publicJwk] })
    if (url.pathname === '/.well-known/openid-configuration')
      return json(res, 200, { issuer: issuer.issuer, jwks_uri: issuer.jwksUrl, id_token_signing_alg_values_supported: ['RS256'] })
    if (url.pathname === '/token') {
      if (issuer.delayMs > 0) await new Promise((r) => setTimeout(r, issuer.delayMs))
      if (req.headers.authorization !== `Bearer ${requestToken}`) return json(res, 401, { message: 'bad request token' })
      if (failures.count > 0) {
        failures.count--
        return json(res, failures.status, { message: 'injected failure' })
      }
      const audience = url.searchParams.get('audience') ?? ''
      issuer.audiences.push(audience)
      return json(res, 200, { count: 1, value: await issuer.mint(audience ? { audience } : {}) })
    }
    json(res, 404, { message: 'not found' })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  base = `http://127.0.0.1:${port}`
  Object.assign(issuer, { url: base, issuer: base, jwksUrl: `${base}/.well-known/jwks`, requestUrl: `${base}/token?api-version=2.0` })
  return issuer
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
