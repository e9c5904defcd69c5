import type { JWK } from 'jose'

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

export declare const GITHUB_CLAIMS: {
  readonly sub: string
  readonly repository: string
  readonly repository_owner: string
  readonly ref: string
  readonly ref_type: string
  readonly job_workflow_ref: string
  readonly workflow: string
  readonly event_name: string
  readonly actor: string
  readonly runner_environment: string
}
export declare function startOidcIssuer(o?: IssuerOptions): Promise<OidcIssuer>
