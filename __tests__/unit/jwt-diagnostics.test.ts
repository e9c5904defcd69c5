import { beforeAll, describe, expect, it } from '@jest/globals'
import { generateKeyPair, SignJWT } from 'jose'
import { GITHUB_CLAIMS } from '../../__fixtures__/oidc-issuer.js'
import { explainJwtFailure, type JwtFailureContext } from '../../src/core/jwt-diagnostics.js'
import { github } from '../../src/platforms/ci/github.js'

let jwt: string
const now = Math.floor(Date.now() / 1000)

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('RS256')
  jwt = await new SignJWT({ ...GITHUB_CLAIMS, environment: 'production', workflow: 'deploy' })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer('https://token.actions.githubusercontent.com')
    .setAudience('https://github.com/octo-org')
    .setIssuedAt(now - 400)
    .setExpirationTime(now - 100)
    .sign(privateKey)
})

const ctx = (vaultMessage: string, status = 400): JwtFailureContext => ({
  vaultMessage,
  status,
  role: 'deploy',
  mount: 'jwt',
  shownClaims: github.claims,
})

/** Vault's error strings for a JWT login (reference vault-api.md §5) and the hint each must produce. */
const CASES: Array<[string, number, string]> = [
  ['could not load configuration', 400, 'auth/jwt has no config: write auth/jwt/config'],
  ['missing role', 400, 'set "role", or give the JWT mount auth/jwt a default_role'],
  ['role "deploy" could not be found', 400, 'there is no role "deploy" on auth/jwt: check "role", "path" and "namespace"'],
  ['role with oidc role_type is not allowed', 400, 'recreate it with role_type=jwt'],
  ['missing token', 400, 'permissions: id-token: write'],
  ['permission denied', 403, "outside the role's token_bound_cidrs"],
  [
    'error configuring token validator: keyset configuration error: fetching keys oidc: get keys failed',
    400,
    'Vault could not fetch the issuer keys (JWKS)',
  ],
  [
    'error validating token: error verifying token signature: failed to verify id token signature',
    400,
    'point jwks_url / oidc_discovery_url at that issuer',
  ],
  [
    'error validating token: no known key successfully validated the token signature',
    400,
    'point jwks_url / oidc_discovery_url at that issuer',
  ],
  ['invalid algorithm (alg) header parameter: token signed with unexpected algorithm', 400, "not in the mount's jwt_supported_algs"],
  [
    'error validating token: invalid issuer (iss) claim',
    400,
    'bound_issuer differs from the token\'s iss "https://token.actions.githubusercontent.com"',
  ],
  [
    'error validating token: invalid subject (sub) claim',
    400,
    'bound_subject differs from the token\'s sub "repo:octo-org/octo-repo:ref:refs/heads/main"',
  ],
  [
    'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
    400,
    'Set "jwtGithubAudience" to one of the role\'s bound_audiences, or add "https://github.com/octo-org"',
  ],
  ['error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token', 400, 'has no time claims'],
  ['error validating token: invalid not before (nbf) claim: token not yet valid', 400, 'clock_skew_leeway'],
  ['error validating token: invalid issued at (iat) claim: token issued in the future', 400, 'clock_skew_leeway'],
  ['error validating token: invalid expiration time (exp) claim: token is expired', 400, 'the token expired at'],
  [
    'audience claim found in JWT but no audiences bound to the role',
    400,
    'has no bound_audiences while the token carries aud "https://github.com/octo-org". Add bound_audiences="https://github.com/octo-org"',
  ],
  ['claim "email" not found in token', 400, 'user_claim'],
  ['claim "groups" could not be converted to string', 400, 'user_claim'],
  ['error validating claims: claim "environment_x" is missing', 400, 'the role binds a claim this token does not have'],
  [
    'error validating claims: claim "workflow" does not match any associated bound claim values',
    400,
    'a bound_claims value differs from the token',
  ],
  ['no handler for route "auth/jwt/login". route entry not found.', 404, 'nothing is mounted at auth/jwt: set "path"'],
]

describe('explainJwtFailure', () => {
  it.each(CASES)('%s', (vaultMessage, status, hint) => {
    const msg = explainJwtFailure(ctx(vaultMessage, status), jwt)
    expect(msg.split('\n')[0]).toBe(`Vault rejected the JWT login at auth/jwt for role "deploy" (HTTP ${status}): ${vaultMessage}`)
    expect(msg).toContain(`Hint: `)
    expect(msg).toContain(hint)
    expect(msg).toContain('the token is not shown')
    for (const claim of [
      'iss: "https://token.actions.githubusercontent.com"',
      'aud: "https://github.com/octo-org"',
      'sub: "repo:octo-org/octo-repo:ref:refs/heads/main"',
      'repository: "octo-org/octo-repo"',
      'ref: "refs/heads/main"',
      'environment: "production"',
      'job_workflow_ref: "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main"',
      'alg: RS256',
    ]) {
      expect(msg).toContain(claim)
    }
    expect(msg).not.toContain(jwt)
    for (const part of jwt.split('.')) expect(msg).not.toContain(part)
  })

  it('exactly one hint per known error', () => {
    for (const [vaultMessage, status] of CASES) expect(explainJwtFailure(ctx(vaultMessage, status), jwt).match(/Hint: /g)).toHaveLength(1)
  })

  it('shows the claim that Vault names, even one not in the usual list', () => {
    const msg = explainJwtFailure(ctx('error validating claims: claim "workflow" does not match any associated bound claim values'), jwt)
    expect(msg).toContain('workflow: "deploy"')
  })

  it('shows times relative to now', () => {
    expect(explainJwtFailure(ctx('token is expired'), jwt)).toMatch(/exp: \S+Z \(\d+s ago\)/)
  })

  it("an unknown error keeps Vault's text, still shows the claims, and gives no made-up hint", () => {
    const msg = explainJwtFailure(ctx('something new'), jwt)
    expect(msg).toContain('(HTTP 400): something new')
    expect(msg).not.toContain('Hint:')
    expect(msg).toContain('repository: "octo-org/octo-repo"')
  })

  it('without a decodable token it says what Vault said and nothing about claims', () => {
    for (const token of [undefined, 'not-a-jwt', `${'x'.repeat(20)}.${'y'.repeat(20)}.z`]) {
      const msg = explainJwtFailure({ ...ctx('missing role'), role: undefined }, token)
      expect(msg).toBe(
        'Vault rejected the JWT login at auth/jwt (HTTP 400): missing role\nHint: set "role", or give the JWT mount auth/jwt a default_role.',
      )
    }
  })
})
