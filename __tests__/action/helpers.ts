/**
 * Shared setup for the action tests against the loopback fake Vault: one fake per test, Vault clients with a
 * recorded (not waited) retry sleep, and in-process runs of the action's main step with an in-memory platform.
 */
import { afterEach, beforeEach } from '@jest/globals'
import { startFakeVault, type FakeRequest, type FakeVault } from '../../__fixtures__/fake-vault.js'
import { memoryPlatform, type MemoryPlatform } from '../../__fixtures__/memory-platform.js'
import { runAction } from '../../src/action/main.js'
import type { HttpClient } from '../../src/http/client.js'
import type { VaultClient } from '../../src/vault/client.js'
import { connect } from '../../src/vault/connect.js'

export interface TestConnection {
  readonly http: HttpClient
  readonly vault: VaultClient
  /** Where log lines go (the platform's recorder). */
  readonly platform: MemoryPlatform
  /** Every retry wait asked for, in ms (nothing is actually waited). */
  readonly slept: number[]
}

export interface ConnectOptions {
  readonly namespace?: string
  readonly retries?: number
  readonly concurrency?: number
  readonly extraHeaders?: Record<string, string>
  readonly requestTimeoutMs?: number
}

export interface FakeVaultHarness {
  /** The fake of the running test. */
  readonly fake: FakeVault
  /** A VaultClient for the fake, built by the production connect(); closed after the test. */
  connect(o?: ConnectOptions): TestConnection
}

/** Starts a fresh fake Vault before each test and stops it (and every client) after, even on failure. */
export function useFakeVault(): FakeVaultHarness {
  let fake: FakeVault | undefined
  const clients: HttpClient[] = []
  beforeEach(async () => {
    fake = await startFakeVault()
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    await fake?.close()
    fake = undefined
  })
  return {
    get fake() {
      if (!fake) throw new Error('the fake Vault runs only inside a test')
      return fake
    },
    connect(o = {}) {
      const platform = memoryPlatform()
      const slept: number[] = []
      const { http, vault } = connect(
        {
          url: this.fake.url,
          extraHeaders: o.extraHeaders ?? {},
          tls: { skipVerify: false },
          retries: o.retries ?? 3,
          requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
          concurrency: o.concurrency ?? 32,
          ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        },
        platform.log,
        Date.now() + 60_000,
        { sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
      )
      clients.push(http)
      return { http, vault, platform, slept }
    },
  }
}

/** Runs the action's main step in-process against `url` with these inputs; returns what the platform saw. */
export async function runMainStep(url: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<MemoryPlatform> {
  const platform = memoryPlatform()
  const values: Record<string, string> = { url, ...inputs }
  await runAction(platform, (name) => values[name] ?? '', env)
  return platform
}

/** The requests the fake saw for one API path (method + path without /v1/). */
export function requestsTo(fake: FakeVault, method: string, apiPath: string): FakeRequest[] {
  return fake.requests.filter((r) => r.method === method && r.path === `/v1/${apiPath}`)
}

/** The message `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('expected a failure, but it succeeded')
    },
    (err: unknown) => (err as Error).message,
  )
}
