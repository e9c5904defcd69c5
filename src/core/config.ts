/** The typed configuration every entry point (action, CLI) builds once, before any work starts. */
import type { SecretEntry } from './spec.js'
import type { PkiRequest } from './pki.js'
import type { InputNamer } from '../lib/input-names.js'
import type { TlsConfig } from '../vault/connect.js'
import type { AwsLoginConfig } from '../vault/aws.js'

export type EncodingType = 'base64' | 'hex' | 'utf8'

export type { TlsConfig }

export interface AuthConfig {
  /** token, approle, github, jwt, kubernetes, ldap, userpass, cert, or a custom method with authPayload. */
  readonly method: string
  /** Auth mount path (defaults to the method name). */
  readonly path: string
  readonly role?: string
  readonly token?: string
  readonly roleId?: string
  readonly secretId?: string
  /** A response-wrapping token that wraps the AppRole secret_id (our addition). */
  readonly wrappedSecretId?: string
  readonly githubToken?: string
  readonly kubernetesTokenPath: string
  readonly username?: string
  readonly password?: string
  /** Raw JSON object for custom methods. */
  readonly authPayload?: Record<string, unknown>
  /** PEM private key to sign our own JWT (vault-action's jwtPrivateKey). */
  readonly jwtPrivateKey?: string
  readonly jwtKeyPassword?: string
  /** Audience requested for the CI's OIDC token; undefined = the platform's default. */
  readonly jwtAudience?: string
  readonly jwtTtlSeconds: number
  /** Method aws (IAM): the credentials and where the signed sts:GetCallerIdentity request claims to go. */
  readonly aws?: AwsLoginConfig
}

/** A token created from the login token and exported instead of it (childToken: true). */
export interface ChildTokenConfig {
  /** Empty: the login token's policies. */
  readonly policies: readonly string[]
  /** Seconds; undefined: Vault's default. */
  readonly ttlSeconds?: number
  /** 0: unlimited. */
  readonly numUses: number
}

export interface Config {
  readonly url: string
  readonly namespace?: string
  readonly secrets: readonly SecretEntry[]
  readonly pki: readonly PkiRequest[]
  readonly auth: AuthConfig
  readonly extraHeaders: Readonly<Record<string, string>>
  readonly exportEnv: boolean
  readonly exportToken: boolean
  readonly outputToken: boolean
  readonly tls: TlsConfig
  readonly secretEncodingType?: EncodingType
  readonly ignoreNotFound: boolean
  /** Our additions. */
  readonly concurrency: number
  readonly retries: number
  readonly requestTimeoutMs: number
  readonly timeoutMs: number
  readonly revokeToken: boolean
  readonly check: boolean
  /** How messages name an input: the action's input names, or the CLI's flags. */
  readonly inputName: InputNamer
  readonly childToken?: ChildTokenConfig
}

export type { AwsCredentials, AwsLoginConfig } from '../vault/aws.js'
