/**
 * Fault injection: the bundled action, run like a runner runs it, against a loopback fake Vault behind a fault
 * proxy. Every test asserts what a user sees: success within the retry budget, or exit code 1 with a message
 * that names the fault, nothing exported, and a run that does not hang (small retries/timeouts keep the suite fast; attempts are counted).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { expectFailure as expectStepFailure, expectSuccess as expectStepSuccess } from '../../__fixtures__/expect.js'
import { startFakeVault, type FakeVault } from '../../__fixtures__/fake-vault.js'
import { startFaultProxy, type Fault, type FaultProxy } from '../../__fixtures__/fault-proxy.js'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { runBundle, type RunnerResult } from '../../__fixtures__/runner.js'
import { freePort } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'

const SECRET = 'pw-fault-test-1'
const READ = /^GET \/v1\/secret\/data\/app/

let fake: FakeVault
let other: FakeVault
let issuer: OidcIssuer
let proxy: FaultProxy
let issuerProxy: FaultProxy

beforeAll(async () => {
  ;[fake, other, issuer] = await startTogether([startFakeVault(), startFakeVault(), startOidcIssuer()] as const)
  fake.kv2('secret', 'app', { password: SECRET })
  ;[proxy, issuerProxy] = await Promise.all([startFaultProxy(fake.url), startFaultProxy(issuer.url)])
})
afterEach(() => {
  proxy.reset()
  issuerProxy.reset()
  other.requests.length = 0
})
afterAll(async () => {
  await Promise.all([proxy?.close(), issuerProxy?.close(), fake?.close(), other?.close(), issuer?.close()])
})

/** Runs the action through the proxy with a token login; `inputs` override the small default budget. */
function act(inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<RunnerResult> {
  return runBundle('main', {
    inputs: {
      url: proxy.url,
      method: 'token',
      token: 'hvs.fault-test',
      secrets: 'secret/app password | DB_PASSWORD',
      retries: '2',
      requestTimeout: '5s',
      timeout: '20s',
      ...inputs,
    },
    env,
  })
}

/** The action, with GitHub's jwt login, its ID-token endpoint behind `issuerProxy`. */
function actJwt(inputs: Record<string, string>): Promise<RunnerResult> {
  const url = new URL(issuer.requestUrl)
  url.host = new URL(issuerProxy.url).host
  return act({ method: 'jwt', role: 'ci', token: '', ...inputs }, { ...issuer.githubEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: url.href })
}

function inject(fault: Fault, times?: number, match = READ): void {
  proxy.inject({ match, fault, ...(times !== undefined ? { times } : {}) })
}

const reads = (): number => proxy.requests.filter((r) => READ.test(`${r.method} ${r.url}`)).length

/**
 * An upper bound on a run's wall time that proves "does not hang", not speed: generous enough for a loaded 2-core
 * CI machine (a bundle start alone can take seconds there), yet below the 20 s overall timeout a hang would run
 * into (and the 30 s requestTimeout of the overall-timeout test). Lower bounds prove a wait really happened.
 */
const NO_HANG_MS = 15_000

function expectSuccess(r: RunnerResult): void {
  expectStepSuccess(r)
  expect(r.env).toEqual({ DB_PASSWORD: SECRET })
}

function expectFailure(r: RunnerResult, names: RegExp): void {
  expectStepFailure(r, names)
  expect(r.stdout).toMatch(new RegExp(`^::error::vault-oidc-action: .*${names.source}`, 'm'))
  expect(Object.keys(r.outputs)).toEqual(['errorMessage'])
  expect(r.elapsedMs).toBeLessThan(NO_HANG_MS)
  expect(r.stdout + r.stderr).not.toContain(SECRET)
}

describe('fault injection (bundled action, fake Vault behind a fault proxy)', () => {
  it('connection refused: retried, then fails naming ECONNREFUSED', async () => {
    const closed = await freePort()
    const r = await act({ url: `http://127.0.0.1:${closed}` })
    expectFailure(r, /cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED \(is Vault running/)
    expect(r.log.match(/attempt \d\/3 failed \(.*ECONNREFUSED/g)?.length).toBeGreaterThanOrEqual(2)
  })

  it('connection reset mid-response: one is retried transparently, a persistent one fails naming it', async () => {
    inject({ reset: 'mid-response' }, 1)
    expectSuccess(await act())
    expect(reads()).toBe(2)

    proxy.reset()
    inject({ reset: 'mid-response' })
    const r = await act()
    expectFailure(r, /read "secret\/data\/app": 127\.0\.0\.1:\d+ closed the connection mid-response/)
    expect(reads()).toBe(3)
  })

  it('connection reset before any response: retried, then fails naming ECONNRESET', async () => {
    inject({ reset: 'before-response' })
    expectFailure(await act(), /cannot reach 127\.0\.0\.1:\d+: ECONNRESET/)
    expect(reads()).toBe(3)
  })

  it('a 502/503 burst shorter than the retry budget succeeds', async () => {
    inject({ status: 502, body: { errors: ['bad gateway'] } }, 1)
    inject({ status: 503, body: { errors: ['unavailable'] } }, 2)
    const r = await act({ retries: '3' })
    expectSuccess(r)
    expect(reads()).toBe(4)
    expect(r.elapsedMs).toBeLessThan(NO_HANG_MS)
  })

  it('a 503 burst longer than the retry budget fails after exactly retries + 1 attempts', async () => {
    inject({ status: 503, body: { errors: ['upstream connect error'] } }, 10)
    const r = await act({ retries: '2' })
    expectFailure(r, /read "secret\/data\/app": HTTP 503: upstream connect error/)
    expect(reads()).toBe(3)
  })

  it('412 (a performance standby that has not caught up yet) is retried until replicated', async () => {
    inject({ status: 412, body: { errors: ['required index state not present'] } }, 2)
    expectSuccess(await act())
    expect(reads()).toBe(3)
  })

  it('429 with Retry-After waits as long as the server asked, plus a jitter of at most the base delay', async () => {
    inject({ status: 429, body: { errors: ['rate limit quota exceeded'] }, headers: { 'retry-after': '1' } }, 1)
    const r = await act()
    expectSuccess(r)
    const waited = Number(/attempt 1\/3 failed \(.*HTTP 429: rate limit quota exceeded\); retrying in (\d+) ms/.exec(r.log)?.[1])
    expect(waited).toBeGreaterThanOrEqual(1000)
    expect(waited).toBeLessThanOrEqual(1250)
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1000)
    expect(r.elapsedMs).toBeLessThan(NO_HANG_MS)
  })

  it('429 without Retry-After backs off with jitter (at most the base delay on the first retry)', async () => {
    inject({ status: 429, body: { errors: ['rate limit quota exceeded'] } }, 1)
    const r = await act()
    expectSuccess(r)
    const waited = Number(/HTTP 429: rate limit quota exceeded\); retrying in (\d+) ms/.exec(r.log)?.[1])
    expect(waited).toBeGreaterThanOrEqual(0)
    expect(waited).toBeLessThanOrEqual(250)
  })

  it('503 "Vault is sealed" fails naming the seal once the retries are spent', async () => {
    inject({ status: 503, body: { errors: ['Vault is sealed'] } })
    expectFailure(await act({ retries: '1' }), /HTTP 503: Vault is sealed/)
    expect(reads()).toBe(2)
  })

  it('a stalled response hits the per-request timeout, is retried, then fails naming requestTimeout', async () => {
    inject({ hang: true })
    const r = await act({ retries: '1', requestTimeout: '300ms' })
    expectFailure(r, /no answer from 127\.0\.0\.1:\d+ within 0\.3s \(requestTimeout\)/)
    expect(r.elapsedMs).toBeGreaterThanOrEqual(600)
    expect(reads()).toBe(2)
  })

  it('a truncated JSON body fails naming it (not a parse crash)', async () => {
    inject({ truncate: true })
    const r = await act({ retries: '1' })
    expectFailure(r, /answered HTTP 200 with a body that is not valid JSON \(truncated or not Vault\?\)/)
    expect(r.stderr).not.toMatch(/SyntaxError|at .*\.cjs/)
  })

  it('a slow ID-token endpoint: waited for within requestTimeout, named when slower', async () => {
    issuerProxy.inject({ fault: { extraDelayMs: 600 } })
    const slow = await actJwt({ requestTimeout: '3s' })
    expectSuccess(slow)
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(600)

    issuerProxy.reset()
    issuerProxy.inject({ fault: { extraDelayMs: 2000 } })
    // the ID-token request is retried more patiently than Vault reads (at least 5 retries from 1 s), within "timeout"
    const r = await actJwt({ requestTimeout: '250ms', retries: '1', timeout: '3s' })
    expectFailure(
      r,
      /GitHub ID token request: (no answer from 127\.0\.0\.1:\d+ within 0\.3s \(requestTimeout\)|the overall timeout passed before 127\.0\.0\.1:\d+ answered)/,
    )
    expect(issuerProxy.requests.length).toBeGreaterThanOrEqual(2)
    expect(fake.requests.filter((q) => q.path.includes('/login'))).toHaveLength(1) // only the successful run's login
  })

  it('a 307 redirect to another host is not followed: the other host never sees the token', async () => {
    inject({ status: 307, headers: { location: `${other.url}/v1/secret/data/app` } })
    const r = await act()
    expectFailure(
      r,
      /redirected \(307\) to another host, 127\.0\.0\.1:\d+; the request was not followed so that the Vault token is never sent to another host/,
    )
    expect(other.requests).toEqual([])
    expect(reads()).toBe(1)
  })

  it('a server that never answers is cut off by the overall timeout', async () => {
    proxy.inject({ fault: { hang: true } })
    const r = await act({ timeout: '1s', requestTimeout: '30s' })
    expectFailure(r, /the overall timeout passed before 127\.0\.0\.1:\d+ answered; raise "timeout"/)
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1000)
  })
})
