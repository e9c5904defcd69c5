/**
 * A loopback OIDC issuer that behaves like GitHub Actions' ID-token endpoint (ID token via
 * ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, GitHub-shaped claims, RS256, JWKS for Vault's jwks_url).
 * The implementation is plain ESM in scripts/lib/oidc-issuer.mjs, shared with the demo (scripts/demo.mjs).
 */
export { GITHUB_CLAIMS, startOidcIssuer } from '../scripts/lib/oidc-issuer.mjs'
export type { IssuerOptions, MintOptions, OidcIssuer } from '../scripts/lib/oidc-issuer.mjs'
