/** Logs in with the configured auth method and returns a Vault token. */
import { readFile } from 'node:fs/promises'
import type { AuthConfig } from '../config/types.js'
import { InputError, NetworkError, VaultOidcError, VaultResponseError } from '../core/errors.js'
import { inputName } from '../core/input-names.js'
import type { Logger } from '../core/log.js'
import { withRetry } from '../core/retry.js'
import type { TokenSource } from '../token-sources/types.js'
import { awsIamLoginBody } from './aws.js'
import { explainJwtFailure } from './jwt-diagnostics.js'
import type { AuthInfo, VaultClient } from './client.js'

export const BUILTIN_METHODS = ['token', 'approle', 'github', 'jwt', 'oidc', 'kubernetes', 'ldap', 'userpass', 'cert', 'aws'] as const

export interface LoginResult {
  readonly token: string
  /** True when we obtained the token by logging in (so we own it and revoke it); false for method "token". */
  readonly loggedIn: boolean
  readonly info?: AuthInfo
}

export interface LoginOptions {
  readonly vault: VaultClient
  readonly auth: AuthConfig
  /** Required for jwt (unless authPayload supplies the jwt). */
  readonly tokenSource?: TokenSource
  readonly log: Logger
  /** Called with every secret the login handles (JWTs, secret ids, the Vault token) before it can be logged. */
  readonly mask: (secret: string) => void
  /** Names of the inputs, so messages point at what the user writes (action: camelCase; CLI: --flags). */
}

interface LoginRequest {
  readonly apiPath: string
  readonly body: Record<string, unknown>
  readonly jwt?: string
}

export async function login(o: LoginOptions): Promise<LoginResult> {
  const { auth, vault } = o
  if (auth.method === 'token') {
    if (!auth.token) throw new InputError('token', `is required when "${inputName('method')}" is token (or choose another method)`)
    o.mask(auth.token)
    return { token: auth.token, loggedIn: false }
  }
  const build = await requestBuilder(o)
  let lastJwt: string | undefined
  try {
    const info = await withRetry(
      async () => {
        const req = await build()
        lastJwt = req.jwt
        return vault.login(req.apiPath, req.body, false)
      },
      vault.http.retryPolicy,
      (attempt, err, delayMs) => o.log.info(`login attempt ${attempt} failed (${(err as Error).message}); retrying in ${Math.round(delayMs)} ms`),
    )
    o.mask(info.clientToken)
    o.log.debug(`logged in with ${auth.method} at auth/${auth.path}; policies: ${info.policies.join(', ') || '(none)'}; ttl ${info.leaseDuration}s`)
    return { token: info.clientToken, loggedIn: true, info }
  } catch (err) {
    if (!(err instanceof VaultResponseError) || err.status >= 500) throw err
    const said = err.vaultErrors.join('; ') || `HTTP ${err.status}`
    if (auth.method === 'jwt' || auth.method === 'oidc' || auth.method === 'kubernetes') {
      throw new VaultOidcError(
        explainJwtFailure(
          { vaultMessage: said, status: err.status, role: auth.role, mount: auth.path },
          auth.method === 'kubernetes' ? undefined : lastJwt,
        ),
      )
    }
    throw new VaultOidcError(`Vault rejected the ${auth.method} login at auth/${auth.path} (HTTP ${err.status}): ${said}\nHint: ${loginHint(auth, said)}`)
  }
}

function loginHint(auth: AuthConfig, said: string): string {
  if (/no handler for route|route entry not found/.test(said)) return `nothing is mounted at auth/${auth.path}: set "${inputName('path')}" to the auth mount's path (and "${inputName('namespace')}" if it lives in one).`
  if (auth.method === 'approle') return `check "${inputName('roleId')}" and "${inputName('secretId')}" (a secret_id expires and may be single-use).`
  if (auth.method === 'userpass' || auth.method === 'ldap') return `check "${inputName('username')}" and "${inputName('password')}".`
  if (auth.method === 'aws') return awsHint(auth, said)
  if (auth.method === 'cert') return `check that the client certificate ("${inputName('clientCertificate')}"/"${inputName('clientKey')}") is trusted by a cert role on this mount.`
  return 'check the credentials for this method and the mount path.'
}

function awsHint(auth: AuthConfig, said: string): string {
  if (/from STS|SignatureDoesNotMatch|InvalidClientTokenId|security token/i.test(said)) {
    return (
      'STS did not accept the signed request, so the AWS credentials are not valid: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ' +
      `AWS_SESSION_TOKEN (temporary credentials need all three; they expire), and that "${inputName('awsStsRegion')}"/"${inputName('awsStsEndpoint')}" name the STS endpoint the mount's sts_endpoint expects.`
    )
  }
  if (/server ID|iam_server_id|X-Vault-AWS-IAM-Server-ID/i.test(said)) return `the mount requires "${inputName('awsIamServerId')}" to equal its iam_server_id_header_value.`
  if (/does not belong to the role|entity|bound_iam_principal_arn|role .* not found|invalid role/i.test(said)) return `the AWS identity is not bound by role "${auth.role ?? ''}" ("${inputName('role')}"): check the role's bound_iam_principal_arn against the ARN of these AWS credentials.`
  return `check "${inputName('role')}", the AWS credential variables and "${inputName('awsStsRegion')}"/"${inputName('awsStsEndpoint')}".`
}

async function requestBuilder(o: LoginOptions): Promise<() => Promise<LoginRequest>> {
  const { auth } = o
  const loginPath = `auth/${auth.path}/login`
  // vault-action has no built-in cert or oidc: there they post authPayload, so that still works here
  const payload = auth.authPayload
  if (payload && (auth.method === 'cert' || auth.method === 'oidc')) return async () => ({ apiPath: loginPath, body: payload })
  switch (auth.method) {
    case 'approle': {
      if (!auth.roleId) throw new InputError('roleId', `is required when "${inputName('method')}" is approle`)
      const secretId = auth.wrappedSecretId ? await unwrapSecretId(o) : auth.secretId
      if (secretId) o.mask(secretId)
      const body = { role_id: auth.roleId, ...(secretId ? { secret_id: secretId } : {}) }
      return async () => ({ apiPath: loginPath, body })
    }
    case 'github': {
      if (!auth.githubToken) throw new InputError('githubToken', `is required when "${inputName('method')}" is github`)
      o.mask(auth.githubToken)
      return async () => ({ apiPath: loginPath, body: { token: auth.githubToken } })
    }
    case 'userpass':
    case 'ldap': {
      if (!auth.username) throw new InputError('username', `is required when "${inputName('method')}" is ${auth.method}`)
      if (!auth.password) throw new InputError('password', `is required when "${inputName('method')}" is ${auth.method}`)
      o.mask(auth.password)
      return async () => ({ apiPath: `${loginPath}/${encodeURIComponent(auth.username ?? '')}`, body: { password: auth.password } })
    }
    case 'kubernetes':
      return async () => {
        // re-read on every attempt: the kubelet rotates projected tokens
        let jwt: string
        try {
          jwt = (await readFile(auth.kubernetesTokenPath, 'utf8')).trim()
        } catch (err) {
          throw new InputError('kubernetesTokenPath', `cannot read the service-account token at ${auth.kubernetesTokenPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
        }
        o.mask(jwt)
        return { apiPath: loginPath, body: { jwt, ...(auth.role ? { role: auth.role } : {}) } }
      }
    case 'cert':
      return async () => ({ apiPath: loginPath, body: auth.role ? { name: auth.role } : {} })
    case 'aws': {
      const aws = auth.aws
      if (!aws) throw new VaultOidcError('method aws: no AWS credentials were read (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)')
      const c = aws.credentials
      for (const secret of [c.accessKeyId, c.secretAccessKey, c.sessionToken]) if (secret) o.mask(secret)
      o.log.debug(`aws: signing sts:GetCallerIdentity for ${new URL(aws.stsEndpoint).host} (region ${aws.stsRegion})${aws.serverId ? ' with X-Vault-AWS-IAM-Server-ID' : ''}`)
      // signed anew for every attempt: a signature is valid for 15 minutes
      return async () => ({ apiPath: loginPath, body: awsIamLoginBody(aws, auth.role) })
    }
    case 'jwt':
    case 'oidc': {
      const source = o.tokenSource
      if (!source) throw new VaultOidcError(`no source for the JWT: give "${inputName('jwtPrivateKey')}", or run where the CI provides an OIDC token`)
      return async () => {
        let jwt: string
        try {
          jwt = await source.fetch()
        } catch (err) {
          // the token source retries by itself; its HTTP failure is not Vault rejecting the login
          if (err instanceof VaultResponseError || err instanceof NetworkError) throw new VaultOidcError(`could not get the JWT (${source.description}): ${err.message}`)
          throw err
        }
        o.mask(jwt)
        return { apiPath: loginPath, body: { jwt, ...(auth.role ? { role: auth.role } : {}) }, jwt }
      }
    }
    default: {
      if (!auth.authPayload) {
        throw new InputError('method', `"${auth.method}" is not a built-in method (${BUILTIN_METHODS.join(', ')}); give its login body in "${inputName('authPayload')}"`)
      }
      const body = auth.authPayload
      return async () => ({ apiPath: loginPath, body })
    }
  }
}

/** AppRole secret_id delivered as a response-wrapping token: check where it was created, then unwrap once. */
async function unwrapSecretId(o: LoginOptions): Promise<string> {
  const wrapToken = o.auth.wrappedSecretId ?? ''
  o.mask(wrapToken)
  const { creationPath } = await o.vault.wrappingLookup(wrapToken).catch((err: unknown) => {
    throw new VaultOidcError(`the wrapped secret_id token is not valid (already used or expired?): ${(err as Error).message}`)
  })
  const expected = new RegExp(`^auth/${escapeRegExp(o.auth.path)}/role/[^/]+/secret-id$`)
  if (!expected.test(creationPath)) {
    throw new VaultOidcError(`the wrapped secret_id was created at "${creationPath}", not at auth/${o.auth.path}/role/<role>/secret-id; refusing to unwrap it (it may have been tampered with)`)
  }
  const data = (await o.vault.unwrap(wrapToken)) as { secret_id?: unknown } | undefined
  if (typeof data?.secret_id !== 'string') throw new VaultOidcError('the unwrapped response holds no secret_id')
  return data.secret_id
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
