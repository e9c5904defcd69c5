/** One Vault auth method's login, behind one interface: each method is a small object in this folder. */
import { InputError } from '../../lib/errors.js'
import type { InputNamer } from '../../lib/input-names.js'
import type { VaultClient } from '../../vault/client.js'
import type { AuthConfig } from '../config.js'
import type { TokenSource } from '../ports.js'

export interface LoginContext {
  readonly auth: AuthConfig
  /** Without a token (login and unwrapping send their own). */
  readonly vault: VaultClient
  readonly tokenSource?: TokenSource
  /** Called with every secret the login handles before it can be logged. */
  readonly mask: (secret: string) => void
  readonly inputName: InputNamer
}

export interface LoginRequest {
  readonly apiPath: string
  readonly body: Record<string, unknown>
  /** The JWT presented, for the explanation when Vault refuses it. */
  readonly jwt?: string
}

/** What Vault said when it refused the login (HTTP 4xx). */
export interface Refusal {
  readonly status: number
  /** Vault's error messages, joined. */
  readonly said: string
  /** The JWT the last attempt presented. */
  readonly jwt?: string
}

export interface LoginMethod {
  /** vault-action has no built-in cert or oidc: there authPayload is the login body, so it still is for these. */
  readonly acceptsPayload?: boolean
  /**
   * Checks the inputs the method needs and does the once-only work (unwrapping a secret_id); returns the request
   * builder, called before every attempt (so a JWT or a rotated service-account token is fresh each time).
   */
  prepare(ctx: LoginContext): Promise<() => Promise<LoginRequest>>
  /** The error message when Vault refuses the login. */
  refused(ctx: LoginContext, refusal: Refusal): string
}

export function loginPath(auth: AuthConfig): string {
  return `auth/${auth.path}/login`
}

/** "Vault rejected …" with a hint; a missing mount is named as such for every method. */
export function rejected(ctx: LoginContext, refusal: Refusal, hint: string): string {
  const { auth, inputName } = ctx
  const mountHint = /no handler for route|route entry not found/.test(refusal.said)
    ? `nothing is mounted at auth/${auth.path}: set "${inputName('path')}" to the auth mount's path (and "${inputName('namespace')}" if it lives in one).`
    : hint
  return `Vault rejected the ${auth.method} login at auth/${auth.path} (HTTP ${refusal.status}): ${refusal.said}\nHint: ${mountHint}`
}

/** The method needs this input: an InputError naming it (and the method) when it is missing. */
export function required<T>(ctx: LoginContext, input: string, value: T | undefined): T {
  if (value === undefined || value === '')
    throw new InputError(ctx.inputName(input), `is required when "${ctx.inputName('method')}" is ${ctx.auth.method}`)
  return value
}
