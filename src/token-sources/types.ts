/** Where a JWT for Vault's jwt/oidc auth comes from. `fetch` is called before every login attempt. */
export interface TokenSource {
  /** For messages, e.g. "GitHub Actions ID token". Never contains the token. */
  readonly description: string
  /** `deadline` (ms since epoch): the run's overall deadline, for sources that wait on something (a helper command). */
  fetch(o?: { readonly deadline?: number | undefined }): Promise<string>
}
