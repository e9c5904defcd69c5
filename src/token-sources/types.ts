/** Where a JWT for Vault's jwt/oidc auth comes from. `fetch` is called before every login attempt. */
export interface TokenSource {
  /** For messages, e.g. "GitHub Actions ID token". Never contains the token. */
  readonly description: string
  fetch(): Promise<string>
}
