import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import { rejectionOf } from '../../__fixtures__/expect.js'
import { startFakeVault, type FakeReply, type FakeVault, type Route } from '../../__fixtures__/fake-vault.js'
import { NetworkError, VaultResponseError } from '../../src/lib/errors.js'
import { memoryPlatform } from '../../__fixtures__/memory-platform.js'
import { connect } from '../../src/vault/connect.js'
import { requestsTo, useFakeVault } from './helpers.js'

const t = useFakeVault()

/** A route that answers `reply` the first `times` times, then lets the fake's defaults answer. */
function failing(times: number, reply: FakeReply): Route {
  let left = times
  return () => (left-- > 0 ? reply : undefined)
}

async function readApp(retries = 3): Promise<{ result: unknown; slept: number[]; sent: number }> {
  t.fake.kv1('kv', 'app', { a: 'value' })
  const { vault: tokenless, slept } = t.connect({ retries })
  const vault = tokenless.withToken('hvs.t')
  const result = await vault.read('kv/app').then(
    (r) => (r.body?.data as { a?: string }).a,
    (e: unknown) => e,
  )
  return { result, slept, sent: requestsTo(t.fake, 'GET', 'kv/app').length }
}

describe('retry policy of the HTTP client', () => {
  it.each([412, 429, 500, 502, 503, 504])('HTTP %i is retried and the read then succeeds', async (status) => {
    t.fake.on('GET /v1/kv/app', failing(2, { status, body: { errors: ['try again'] } }))
    expect(await readApp()).toEqual({ result: 'value', slept: [125, 250], sent: 3 })
  })

  it('a reset connection and a truncated body are retried', async () => {
    t.fake.on('GET /v1/kv/app', failing(1, { destroy: true }))
    t.fake.on('GET /v1/kv/app', failing(1, { truncate: '{"data":{"a":' }))
    const { result, sent } = await readApp()
    expect(result).toBe('value')
    expect(sent).toBe(3)
  })

  it.each([400, 401, 403, 405])("HTTP %i is never retried and carries Vault's message", async (status) => {
    t.fake.on('GET /v1/kv/app', () => ({ status, body: { errors: ['nope: ' + status] } }))
    const { result, slept, sent } = await readApp()
    expect(sent).toBe(1)
    expect(slept).toEqual([])
    expect(result).toBeInstanceOf(VaultResponseError)
    expect((result as Error).message).toBe(`read "kv/app": HTTP ${status}: nope: ${status}`)
  })

  it('HTTP 404 is never retried', async () => {
    t.fake.on('GET /v1/auth/token/lookup-self', () => ({ status: 404, body: { errors: [] } }))
    const { vault, slept } = t.connect()
    await expect(vault.lookupSelf()).rejects.toThrow('token lookup (auth/token/lookup-self): HTTP 404: no error message')
    expect(requestsTo(t.fake, 'GET', 'auth/token/lookup-self')).toHaveLength(1)
    expect(slept).toEqual([])
  })

  it('honours Retry-After (seconds), with the jitter on top', async () => {
    t.fake.on('GET /v1/kv/app', failing(1, { status: 429, headers: { 'retry-after': '2' }, body: { errors: ['rate limited'] } }))
    expect(await readApp()).toEqual({ result: 'value', slept: [2000 + 0.5 * 250], sent: 2 })
  })

  it('stops after retries + 1 attempts with the last error, logging each retry', async () => {
    t.fake.on('GET /v1/kv/app', () => ({ status: 503, body: { errors: ['Vault is sealed'] } }))
    t.fake.kv1('kv', 'app', {})
    const { vault, platform, slept } = t.connect({ retries: 2 })
    await expect(vault.read('kv/app')).rejects.toThrow('read "kv/app": HTTP 503: Vault is sealed')
    expect(requestsTo(t.fake, 'GET', 'kv/app')).toHaveLength(3)
    expect(slept).toHaveLength(2)
    expect(platform.lines('info')).toEqual([
      'read "kv/app": attempt 1/3 failed (read "kv/app": HTTP 503: Vault is sealed); retrying in 125 ms',
      'read "kv/app": attempt 2/3 failed (read "kv/app": HTTP 503: Vault is sealed); retrying in 250 ms',
    ])
  })

  it('retries: 0 means one attempt', async () => {
    t.fake.on('GET /v1/kv/app', () => ({ status: 502, body: { errors: ['bad gateway'] } }))
    expect((await readApp(0)).sent).toBe(1)
  })

  it('an unwrap is never retried (a wrapping token works once)', async () => {
    t.fake.on('POST /v1/sys/wrapping/unwrap', () => ({ status: 503, body: { errors: ['standby'] } }))
    const { vault, slept } = t.connect()
    await expect(vault.unwrap('hvs.wrap')).rejects.toThrow('unwrap (sys/wrapping/unwrap): HTTP 503: standby')
    expect(requestsTo(t.fake, 'POST', 'sys/wrapping/unwrap')).toHaveLength(1)
    expect(slept).toEqual([])
  })

  it('a PKI issue (a write that creates something) is never retried', async () => {
    t.fake.on('POST /v1/pki/issue/web', () => ({ status: 500, body: { errors: ['internal error'] } }))
    const { vault } = t.connect()
    await expect(vault.write('pki/issue/web', { common_name: 'a' })).rejects.toThrow('write "pki/issue/web": HTTP 500: internal error')
    expect(requestsTo(t.fake, 'POST', 'pki/issue/web')).toHaveLength(1)
  })
})

describe('redirects', () => {
  let other: FakeVault | undefined
  afterEach(async () => {
    await other?.close()
    other = undefined
  })

  it('follows a redirect on the same origin, with the token', async () => {
    t.fake.kv1('kv', 'app', { a: 'moved' })
    t.fake.on('GET /v1/kv/old', () => ({ status: 307, headers: { location: '/v1/kv/app' } }))
    const { vault: tokenless } = t.connect()
    const vault = tokenless.withToken('hvs.same-origin')
    const res = await vault.read('kv/old')
    expect((res.body?.data as { a: string }).a).toBe('moved')
    expect(requestsTo(t.fake, 'GET', 'kv/app')[0]?.headers['x-vault-token']).toBe('hvs.same-origin')
  })

  it('refuses a redirect to another host without sending anything there, and does not retry', async () => {
    other = await startFakeVault()
    const target = `${other.url}/v1/kv/app`
    t.fake.on('GET /v1/kv/app', () => ({ status: 307, headers: { location: target } }))
    const { vault: tokenless, slept } = t.connect()
    const vault = tokenless.withToken('hvs.must-not-leave')
    const err = await rejectionOf(vault.read('kv/app'), NetworkError)
    expect(err.message).toContain(
      `redirected (307) to another host, ${new URL(other.url).host}; the request was not followed so that the Vault token is never sent to another host`,
    )
    expect(other.requests).toEqual([])
    expect(slept).toEqual([])
  })

  it('gives up after a few redirects', async () => {
    t.fake.on('GET /v1/kv/loop', () => ({ status: 302, headers: { location: '/v1/kv/loop' } }))
    const { vault } = t.connect()
    await expect(vault.read('kv/loop')).rejects.toThrow('read "kv/loop": more than 3 redirects')
  })
})

describe('connections', () => {
  let server: Server | undefined
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    server = undefined
  })

  it('keeps connections alive: many sequential requests share one socket', async () => {
    let connections = 0
    let requests = 0
    server = createServer((_req, res) => {
      requests++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ data: { a: 'x' } }))
    })
    server.on('connection', () => connections++)
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
    const platform = memoryPlatform()
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const { http, vault } = connect(
      { url, extraHeaders: {}, tls: { skipVerify: false }, retries: 0, requestTimeoutMs: 5000, concurrency: 4 },
      platform.log,
      Date.now() + 30_000,
    )
    try {
      for (let i = 0; i < 5; i++) await vault.read(`kv/s${i}`)
      expect(connections).toBe(1)
      expect(requests).toBe(5)
    } finally {
      http.close()
    }
  })

  it('sends the namespace and the extra headers with every request', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    const { vault: tokenless } = t.connect({ namespace: 'team-a/sub', extraHeaders: { 'X-Team': 'blue', 'x-trace': '1' } })
    const vault = tokenless.withToken('hvs.t')
    await vault.mountInfo('secret/app')
    await vault.read('secret/data/app')
    await vault.login('auth/userpass/login/u', { password: 'p' })
    expect(t.fake.requests).toHaveLength(3)
    for (const r of t.fake.requests)
      expect([r.path, r.headers['x-vault-namespace'], r.headers['x-team'], r.headers['x-trace']]).toEqual([
        r.path,
        'team-a/sub',
        'blue',
        '1',
      ])
    expect(requestsTo(t.fake, 'POST', 'auth/userpass/login/u')[0]?.headers['x-vault-token']).toBeUndefined()
  })
})
