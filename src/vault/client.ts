/** Vault / OpenBao HTTP API calls, on top of the one HTTP client. */
import type { HttpClient, HttpResponse } from '../http/client.js'
import { VaultOidcError } from '../lib/errors.js'
import { trimLeading, trimTrailing } from '../lib/trim.js'
import { untrusted } from '../lib/untrusted.js'

export interface AuthInfo {
  readonly clientToken: string
  readonly accessor?: string
  readonly policies: readonly string[]
  readonly leaseDuration: number
  readonly renewable: boolean
  readonly tokenType?: string
}

export interface SecretResponse {
  readonly status: number
  readonly body: VaultEnvelope | undefined
}

export interface VaultEnvelope {
  readonly data?: unknown
  readonly lease_id?: string
  readonly lease_duration?: number
  readonly renewable?: boolean
  readonly auth?: unknown
  readonly wrap_info?: unknown
  readonly warnings?: unknown
}

export interface MountInfo {
  readonly path: string
  readonly type: string
  readonly kvVersion: 1 | 2 | undefined
}

const NAMESPACE_MARK = '::'

/**
 * The lease to save for revocation. A lease taken in a child namespace through a path prefix ("team-a/pki/issue/web"
 * answers lease "pki/issue/web/…") must be revoked in that namespace: OpenBao's revoke-self of the token does not
 * revoke it, and the token's own namespace may not revoke it by id. So the child namespace goes in front
 * ("team-a/::pki/issue/web/…"), and revokeLease() sends the revocation there.
 */
export function leaseRef(readPath: string, leaseId: string): string {
  const query = readPath.indexOf('?')
  const path = trimTrailing(query < 0 ? readPath : readPath.slice(0, query), '/')
  const leasePath = leaseId.slice(0, Math.max(0, leaseId.lastIndexOf('/')))
  if (leasePath === '' || path === leasePath || !path.endsWith(`/${leasePath}`)) return leaseId
  return `${path.slice(0, path.length - leasePath.length)}${NAMESPACE_MARK}${leaseId}`
}

export class VaultClient {
  private readonly base: string

  constructor(
    readonly http: HttpClient,
    url: string,
    readonly namespace: string | undefined,
    /** Sent with every request that does not name its own; none before login. */
    readonly token?: string,
  ) {
    this.base = trimTrailing(url, '/')
  }

  /** The same connection, sending `token` (a client is derived after login instead of being changed). */
  withToken(token: string): VaultClient {
    return new VaultClient(this.http, this.base, this.namespace, token)
  }

  url(apiPath: string): URL {
    return new URL(`${this.base}/v1/${trimLeading(apiPath, '/')}`)
  }

  /** `token` null: send no token (login, wrapping lookup); undefined: the client's current token. */
  private headers(token: string | null | undefined = this.token, extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra }
    if (this.namespace) h['x-vault-namespace'] = this.namespace
    if (token !== undefined && token !== null) h['x-vault-token'] = token
    return h
  }

  /** GET a secret path. 404 is returned (KV v2 answers 404 with a body for deleted versions), not thrown. */
  async read(path: string): Promise<SecretResponse> {
    const res = await this.http.request({
      method: 'GET',
      url: this.url(path),
      headers: this.headers(),
      acceptStatuses: [404],
      what: `read "${path}"`,
    })
    return { status: res.status, body: envelope(res) }
  }

  /** POST to an auth mount's login endpoint. Sent once by default: login() retries the whole exchange, with a fresh body (JWT) each time. */
  async login(apiPath: string, body: unknown, retry = false): Promise<AuthInfo> {
    const res = await this.http.request({
      method: 'POST',
      url: this.url(apiPath),
      headers: this.headers(null),
      body,
      retry,
      what: `login at "${apiPath}"`,
    })
    return parseAuth(res.body, apiPath)
  }

  async lookupSelf(): Promise<{ policies: string[]; ttl: number; renewable: boolean }> {
    const res = await this.http.request({
      method: 'GET',
      url: this.url('auth/token/lookup-self'),
      headers: this.headers(),
      what: 'token lookup (auth/token/lookup-self)',
    })
    const data = (envelope(res)?.data ?? {}) as { policies?: unknown; ttl?: unknown; renewable?: unknown }
    return {
      policies: Array.isArray(data.policies) ? data.policies.map((p) => untrusted(p)) : [],
      ttl: typeof data.ttl === 'number' ? data.ttl : 0,
      renewable: data.renewable === true,
    }
  }

  /** auth/token/create(-orphan) with the client's token; never retried (it would create a second token). */
  async createToken(body: Record<string, unknown>, orphan: boolean): Promise<AuthInfo> {
    const path = orphan ? 'auth/token/create-orphan' : 'auth/token/create'
    const res = await this.http.request({
      method: 'POST',
      url: this.url(path),
      headers: this.headers(),
      body,
      retry: false,
      what: `child token creation (${path})`,
    })
    return parseAuth(res.body, path)
  }

  /** Extends `token` by `incrementSeconds` (auth/token/renew-self); returns the TTL granted. */
  async renewSelf(token: string, incrementSeconds: number): Promise<{ ttl: number; renewable: boolean }> {
    const res = await this.http.request({
      method: 'POST',
      url: this.url('auth/token/renew-self'),
      headers: this.headers(token),
      body: { increment: `${incrementSeconds}s` },
      what: 'token renewal (auth/token/renew-self)',
    })
    const auth = (res.body as { auth?: { lease_duration?: unknown; renewable?: unknown } } | undefined)?.auth
    return { ttl: typeof auth?.lease_duration === 'number' ? auth.lease_duration : 0, renewable: auth?.renewable === true }
  }

  /** Extends a lease (sys/leases/renew); returns the TTL granted. */
  async renewLease(token: string, leaseId: string, incrementSeconds: number): Promise<{ ttl: number; renewable: boolean }> {
    const res = await this.http.request({
      method: 'PUT',
      url: this.url('sys/leases/renew'),
      headers: this.headers(token),
      body: { lease_id: leaseId, increment: incrementSeconds },
      what: `lease renewal (${untrusted(leaseId.replace(/\/[^/]*$/, '/…'))})`,
    })
    const body = envelope(res)
    return { ttl: body?.lease_duration ?? 0, renewable: body?.renewable === true }
  }

  async revokeSelf(token: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: this.url('auth/token/revoke-self'),
      headers: this.headers(token),
      what: 'token revocation (auth/token/revoke-self)',
      cleanup: true,
    })
  }

  /** `lease` as leaseRef() wrote it: a lease taken in a child namespace is revoked there (`team-a/sys/leases/revoke`). */
  async revokeLease(token: string, lease: string): Promise<void> {
    const cut = lease.indexOf(NAMESPACE_MARK)
    const [childNamespace, leaseId] = cut < 0 ? ['', lease] : [lease.slice(0, cut), lease.slice(cut + NAMESPACE_MARK.length)]
    await this.http.request({
      method: 'PUT',
      url: this.url(`${childNamespace}sys/leases/revoke`),
      headers: this.headers(token),
      body: { lease_id: leaseId, sync: true },
      what: `lease revocation (${untrusted(childNamespace + leaseId.replace(/\/[^/]*$/, '/…'))})`,
      cleanup: true,
    })
  }

  /**
   * Engine type and KV version of the mount holding `path`; undefined when the server won't say. `childNamespace`
   * ("ci/") asks that child namespace of the client's one (`ci/sys/internal/ui/mounts/<path>`).
   */
  async mountInfo(path: string, childNamespace = ''): Promise<MountInfo | undefined> {
    const res = await this.http.request({
      method: 'GET',
      url: this.url(`${childNamespace}sys/internal/ui/mounts/${path}`),
      headers: this.headers(),
      acceptStatuses: [403, 404],
      what: `mount lookup for "${childNamespace}${path}"`,
    })
    if (res.status !== 200) return undefined
    const data = (envelope(res)?.data ?? {}) as { path?: unknown; type?: unknown; options?: { version?: unknown } | null }
    if (typeof data.path !== 'string') return undefined
    const type = typeof data.type === 'string' ? data.type : ''
    const version = data.options?.version
    const kvVersion = type === 'kv' || type === 'generic' ? (version === '2' || version === 2 ? 2 : 1) : undefined
    return { path: data.path, type, kvVersion }
  }

  async capabilitiesSelf(paths: readonly string[]): Promise<Record<string, string[]>> {
    const res = await this.http.request({
      method: 'POST',
      url: this.url('sys/capabilities-self'),
      headers: this.headers(),
      body: { paths },
      what: 'capability check (sys/capabilities-self)',
    })
    const body = (res.body ?? {}) as Record<string, unknown>
    const data = (typeof body.data === 'object' && body.data !== null ? body.data : body) as Record<string, unknown>
    const out: Record<string, string[]> = {}
    for (const p of paths) out[p] = Array.isArray(data[p]) ? (data[p] as unknown[]).map(String) : []
    return out
  }

  /** Checks where a wrapping token came from (unauthenticated; does not consume it). */
  async wrappingLookup(wrapToken: string): Promise<{ creationPath: string }> {
    const res = await this.http.request({
      method: 'POST',
      url: this.url('sys/wrapping/lookup'),
      headers: this.headers(null),
      body: { token: wrapToken },
      what: 'wrapping token lookup (sys/wrapping/lookup)',
    })
    const data = (envelope(res)?.data ?? {}) as { creation_path?: unknown }
    return { creationPath: typeof data.creation_path === 'string' ? data.creation_path : '' }
  }

  /** Unwraps once; never retried, since a wrapping token works only once. */
  async unwrap(wrapToken: string): Promise<unknown> {
    const res = await this.http.request({
      method: 'POST',
      url: this.url('sys/wrapping/unwrap'),
      headers: this.headers(wrapToken),
      retry: false,
      what: 'unwrap (sys/wrapping/unwrap)',
    })
    return envelope(res)?.data
  }

  /** A write that creates something (PKI issue): never retried once sent. */
  async write(path: string, body: unknown): Promise<VaultEnvelope | undefined> {
    const res = await this.http.request({
      method: 'POST',
      url: this.url(path),
      headers: this.headers(),
      body,
      retry: false,
      what: `write "${path}"`,
    })
    return envelope(res)
  }
}

function envelope(res: HttpResponse): VaultEnvelope | undefined {
  return typeof res.body === 'object' && res.body !== null ? (res.body as VaultEnvelope) : undefined
}

function parseAuth(body: unknown, apiPath: string): AuthInfo {
  const auth = (body as { auth?: Record<string, unknown> } | undefined)?.auth
  if (!auth || typeof auth.client_token !== 'string' || auth.client_token === '') {
    throw new VaultOidcError(`login at "${apiPath}" succeeded but Vault returned no client token (is this an auth mount's login path?)`)
  }
  // policy names are only ever shown: kept neutralised (the server's text)
  const policies = Array.isArray(auth.policies) ? auth.policies.map((p) => untrusted(p)) : []
  const info: AuthInfo = {
    clientToken: auth.client_token,
    policies,
    leaseDuration: typeof auth.lease_duration === 'number' ? auth.lease_duration : 0,
    renewable: auth.renewable === true,
    ...(typeof auth.accessor === 'string' ? { accessor: auth.accessor } : {}),
    ...(typeof auth.token_type === 'string' ? { tokenType: auth.token_type } : {}),
  }
  return info
}
