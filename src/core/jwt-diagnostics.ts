/**
 * Turns a failed JWT login into something a person can act on: Vault's own complaint, a specific hint,
 * and the token's non-secret claims (decoded locally; the token itself is never printed).
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { actionInputName, type InputNamer } from '../lib/input-names.js'
import { untrusted } from '../lib/untrusted.js'

/** Claims every JWT has that are worth showing; each CI adds its identity claims (TokenSource.claims). */
const STANDARD_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'nbf']

interface Hint {
  readonly match: RegExp
  readonly hint: (ctx: JwtFailureContext, claims: Record<string, unknown>, inputName: InputNamer) => string
}

export interface JwtFailureContext {
  readonly vaultMessage: string
  readonly status: number
  readonly role: string | undefined
  readonly mount: string
  /** How messages name an input (the action's names by default). */
  readonly inputName?: InputNamer
  /** The token's identity claims worth showing, beyond the standard ones. */
  readonly shownClaims?: readonly string[]
}

const HINTS: readonly Hint[] = [
  {
    match: /audience claim found in JWT but no audiences bound to the role/,
    hint: (c, claims) =>
      `the role "${c.role ?? '(default_role)'}" has no bound_audiences while the token carries aud ${fmt(claims.aud)}. Add bound_audiences=${fmt(firstAud(claims.aud))} to the role (Vault enforces this since 1.16.3/1.17).`,
  },
  {
    match: /invalid audience \(aud\) claim|audience claim does not match/,
    hint: (_c, claims, inputName) =>
      `the token's aud ${fmt(claims.aud)} is not in the role's bound_audiences. Set "${inputName('jwtGithubAudience')}" to one of the role's bound_audiences, or add ${fmt(firstAud(claims.aud))} to them.`,
  },
  {
    match: /claim "([^"]+)" is missing/,
    hint: (_c, claims) =>
      `the role binds a claim this token does not have (token claims: ${Object.keys(claims).map(untrusted).join(', ')}). For GitHub, "environment" exists only in jobs with an environment.`,
  },
  {
    match: /claim "([^"]+)" does not match any associated bound claim values/,
    hint: () =>
      'a bound_claims value differs from the token: compare the claim below with the role (vault read auth/<path>/role/<role>); use bound_claims_type=glob for patterns.',
  },
  {
    match: /no issued at \(iat\), not before \(nbf\), or expiration time \(exp\) claims/,
    hint: () => 'the token has no time claims: a JWT for Vault needs exp (and iat); a self-signed token must set them.',
  },
  {
    match: /claim "([^"]+)" (not found in token|could not be converted to string)/,
    hint: (_c, claims) =>
      `the role's user_claim must name a string claim of the token (token claims: ${Object.keys(claims).map(untrusted).join(', ')}); "sub" always works.`,
  },
  {
    match: /token is expired|exp\) claim/,
    hint: (_c, claims, inputName) =>
      `the token expired${typeof claims.exp === 'number' && isoTime(claims.exp) ? ` at ${isoTime(claims.exp)}` : ''}; check the runner's clock, and for a self-signed JWT raise "${inputName('jwtTtl')}".`,
  },
  {
    match: /not yet valid|issued in the future/,
    hint: () =>
      "the token's nbf/iat lies in the future from Vault's view: check the clocks, or raise the role's clock_skew_leeway / not_before_leeway.",
  },
  {
    match: /invalid issuer|\(iss\) claim/,
    hint: (_c, claims) => `the mount's bound_issuer differs from the token's iss ${fmt(claims.iss)}; set bound_issuer to exactly that.`,
  },
  {
    match: /invalid subject|\(sub\) claim/,
    hint: (_c, claims) =>
      `the role's bound_subject differs from the token's sub ${fmt(claims.sub)}; binding stable claims (repository, ref) with bound_claims is more robust.`,
  },
  {
    // bounded gap: `role .* not found` backtracks over the rest of the text at every "role ", quadratic in its length
    match: /role "[^"]*" could not be found|role [^;]{0,200} not found/,
    hint: (c, _claims, inputName) =>
      `there is no role "${c.role ?? ''}" on auth/${c.mount}: check "${inputName('role')}", "${inputName('path')}" and "${inputName('namespace')}".`,
  },
  {
    match: /missing role/,
    hint: (c, _claims, inputName) => `set "${inputName('role')}", or give the JWT mount auth/${c.mount} a default_role.`,
  },
  {
    match: /role with oidc role_type is not allowed/,
    hint: () => 'the role was created with the default role_type=oidc; recreate it with role_type=jwt.',
  },
  { match: /missing token/, hint: () => 'the JWT was empty: on GitHub add "permissions: id-token: write" to the job.' },
  {
    match: /could not load configuration/,
    hint: (c, _claims, inputName) =>
      `auth/${c.mount} has no config: write auth/${c.mount}/config (jwks_url or jwt_validation_pubkeys, bound_issuer), or check "${inputName('path')}".`,
  },
  {
    match: /no known key successfully validated|failed to verify id token signature|error verifying token signature/,
    hint: (_c, claims) =>
      `the mount trusts another issuer's keys than the one that signed this token (iss ${fmt(claims.iss)}); point jwks_url / oidc_discovery_url at that issuer.`,
  },
  { match: /unexpected algorithm/, hint: () => "the token's alg is not in the mount's jwt_supported_algs; add it." },
  {
    match: /error configuring token validator|keyset configuration error/,
    hint: () => 'Vault could not fetch the issuer keys (JWKS): let the Vault server reach the issuer, or set jwks_ca_pem.',
  },
  {
    match: /no handler for route|route entry not found/,
    hint: (c, _claims, inputName) =>
      `nothing is mounted at auth/${c.mount}: set "${inputName('path')}" to the JWT auth mount's path (and "${inputName('namespace')}" if it lives in one).`,
  },
  { match: /permission denied/, hint: () => "Vault denied the login: the runner's address may be outside the role's token_bound_cidrs." },
]

/**
 * The most of Vault's message the hints and the error use: the HTTP client already keeps 20 errors of 500
 * characters (src/http/client.ts), this bounds any other caller too. Every HINTS regex is linear in it.
 */
export const MAX_HINT_INPUT_CHARS = 12_000

/**
 * Vault's message first, always: the hint and the claims are extras, and nothing in them (a claim out of Date's
 * range, a claim named __proto__, an undecodable token) may replace or hide the real error.
 */
export function explainJwtFailure(given: JwtFailureContext, jwt: string | undefined): string {
  const ctx =
    given.vaultMessage.length > MAX_HINT_INPUT_CHARS
      ? { ...given, vaultMessage: `${given.vaultMessage.slice(0, MAX_HINT_INPUT_CHARS)} (cut short)` }
      : given
  const vaultMessage = untrusted(ctx.vaultMessage)
  const lines = [
    `Vault rejected the JWT login at auth/${ctx.mount}${ctx.role ? ` for role "${ctx.role}"` : ''} (HTTP ${ctx.status}): ${vaultMessage}`,
  ]
  try {
    const claims = safeClaims(jwt)
    const rule = HINTS.find((h) => h.match.test(vaultMessage))
    if (rule) lines.push(`Hint: ${rule.hint(ctx, claims, ctx.inputName ?? actionInputName)}`)
    const named = [...vaultMessage.matchAll(/claim "([^"]+)"/g)].map((m) => m[1] as string)
    const shown = describeClaims(claims, jwt, [...(ctx.shownClaims ?? []), ...named])
    if (shown) lines.push(`The token presented (claims decoded locally; the token is not shown):\n${shown}`)
  } catch {
    // diagnostics are best effort: Vault's own message above is the error
  }
  return lines.join('\n')
}

/** Non-secret claims of a JWT, one per line (the standard ones, then `alsoShow`), neutralised (they are the identity provider's text); '' when it cannot be decoded. */
export function describeClaims(claims: Record<string, unknown>, jwt?: string, alsoShow: readonly string[] = []): string {
  if (Object.keys(claims).length === 0) return ''
  const now = Math.floor(Date.now() / 1000)
  const rows: string[] = []
  let alg = ''
  try {
    if (jwt) alg = String(decodeProtectedHeader(jwt).alg ?? '')
  } catch {
    alg = ''
  }
  if (alg) rows.push(`  alg: ${untrusted(alg)}`)
  for (const name of new Set([...STANDARD_CLAIMS, ...alsoShow])) {
    // own claims only: "__proto__" or "constructor" must not find Object.prototype's
    if (!Object.hasOwn(claims, name)) continue
    const v = claims[name]
    const when = (name === 'exp' || name === 'iat' || name === 'nbf') && typeof v === 'number' ? isoTime(v) : undefined
    if (when !== undefined) {
      const delta = Math.round(v as number) - now
      rows.push(`  ${name}: ${when} (${delta >= 0 ? `in ${delta}s` : `${-delta}s ago`})`)
    } else rows.push(`  ${untrusted(name)}: ${fmt(v)}`)
  }
  return rows.join('\n')
}

/** A NumericDate as ISO time; undefined when Date cannot represent it (not finite, or beyond ±8.64e15 ms). */
function isoTime(seconds: number): string | undefined {
  const ms = seconds * 1000
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined
}

export function safeClaims(jwt: string | undefined): Record<string, unknown> {
  if (!jwt) return {}
  try {
    return decodeJwt(jwt) as Record<string, unknown>
  } catch {
    return {}
  }
}

function firstAud(aud: unknown): unknown {
  return Array.isArray(aud) ? aud[0] : aud
}

/** A claim value for a message: strings quoted, anything else as JSON; neutralised, and cut to a readable length. */
function fmt(value: unknown): string {
  let text: string
  try {
    text = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value))
  } catch {
    text = '(not printable)'
  }
  return untrusted(text.length > 300 ? `${text.slice(0, 300)}…` : text)
}
