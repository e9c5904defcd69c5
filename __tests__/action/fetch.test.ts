import { describe, expect, it } from '@jest/globals'
import type { EncodingType } from '../../src/core/config.js'
import { fetchSecrets, type FetchedValue } from '../../src/core/fetch.js'
import { parseSecretsSpec } from '../../src/core/spec.js'
import { rejectionOf, useFakeVault } from './helpers.js'

const t = useFakeVault()

interface FetchRun {
  readonly values: FetchedValue[]
  readonly leases: string[]
  readonly warnings: string[]
}

async function fetch(
  spec: string,
  o: { concurrency?: number; ignoreNotFound?: boolean; encoding?: EncodingType; policies?: string[] } = {},
): Promise<FetchRun> {
  const { vault: tokenless, platform } = t.connect({ concurrency: o.concurrency ?? 32 })
  const vault = tokenless.withToken('hvs.reader')
  const leases: string[] = []
  const values = await fetchSecrets(parseSecretsSpec(spec), vault, {
    concurrency: o.concurrency ?? 32,
    ignoreNotFound: o.ignoreNotFound ?? false,
    encoding: o.encoding,
    log: platform.log,
    onLease: (id) => leases.push(id),
    ...(o.policies ? { policies: o.policies } : {}),
  })
  return { values, leases, warnings: platform.lines('warning') }
}

const fetchError = (spec: string, o: Parameters<typeof fetch>[1] = {}): Promise<string> => rejectionOf(fetch(spec, o))

const reads = (): string[] =>
  t.fake.requests
    .filter((r) => r.method === 'GET' && !r.path.startsWith('/v1/sys/'))
    .map((r) => r.path.slice(4) + (r.query.size > 0 ? `?${r.query}` : ''))

describe('reads', () => {
  it('reads each distinct API path once, however it was written', async () => {
    t.fake.kv2('secret', 'app', { a: 'A', b: 'B' })
    t.fake.on('GET /v1/secret/data/app', (req) =>
      req.query.get('version') === '1' ? { status: 200, body: { data: { data: { a: 'old' }, metadata: { version: 1 } } } } : undefined,
    )
    const { values } = await fetch('secret/app a; secret/app b | B2; secret/data/app a | A2; secret/app?version=1 a | OLD')
    expect(values.map((v) => [v.outputName, v.value, v.apiPath])).toEqual([
      ['a', 'A', 'secret/data/app'],
      ['B2', 'B', 'secret/data/app'],
      ['A2', 'A', 'secret/data/app'],
      ['OLD', 'old', 'secret/data/app?version=1'],
    ])
    expect(reads().sort()).toEqual(['secret/data/app', 'secret/data/app?version=1'])
  })

  it('never has more than "concurrency" requests in flight', async () => {
    for (let i = 0; i < 12; i++) t.fake.kv2(`m${i}`, 'app', { v: String(i) })
    t.fake.delayMs = 20
    const { values } = await fetch(Array.from({ length: 12 }, (_, i) => `m${i}/app v | V${i}`).join('\n'), { concurrency: 3 })
    expect(values.map((v) => v.value)).toEqual(Array.from({ length: 12 }, (_, i) => String(i)))
    expect(t.fake.peakInFlight).toBe(3)
  })

  it('runs the reads in parallel up to the bound', async () => {
    for (let i = 0; i < 10; i++) t.fake.kv2('secret', `s${i}`, { v: 'x' })
    // long enough that all ten are in flight together even on a loaded 2-core machine (20 ms was not: 9 of 10)
    t.fake.delayMs = 300
    await fetch(Array.from({ length: 10 }, (_, i) => `secret/s${i} v | V${i}`).join('\n'), { concurrency: 32 })
    expect(t.fake.peakInFlight).toBe(10)
  })

  it('decodes values with secretEncodingType', async () => {
    t.fake.kv2('secret', 'enc', { b64: Buffer.from('line1\nline2').toString('base64'), hex: Buffer.from('hé').toString('hex') })
    expect((await fetch('secret/enc b64', { encoding: 'base64' })).values[0]?.value).toBe('line1\nline2')
    expect((await fetch('secret/enc hex', { encoding: 'hex' })).values[0]?.value).toBe('hé')
  })

  it('reports the leases of dynamic secrets', async () => {
    t.fake.on('GET /v1/database/creds/ro', () => ({
      status: 200,
      body: { lease_id: 'database/creds/ro/abc123', lease_duration: 3600, data: { username: 'u', password: 'p' } },
    }))
    const { values, leases } = await fetch('database/creds/ro username; database/creds/ro password')
    expect(values.map((v) => v.envName)).toEqual(['USERNAME', 'PASSWORD'])
    expect(leases).toEqual(['database/creds/ro/abc123'])
  })
})

describe('failures: all reported at once, nothing returned', () => {
  it('one missing path names the entry, the API path and the mount', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    expect(await fetchError('secret/app a; secret/nope a')).toBe(
      'secrets entry 2 ("secret/nope a"): no secret at "secret/data/nope" (written as "secret/nope") on KV v2 mount "secret/" (HTTP 404); check the path and the ?version',
    )
  })

  it('several failures are listed together', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    t.fake.on('GET /v1/secret/data/locked', () => ({ status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } }))
    const msg = await fetchError('secret/app a; secret/app missing; secret/nope a; secret/locked a', { policies: ['default', 'ci'] })
    expect(msg.split('\n')).toEqual([
      '3 secrets could not be read:',
      '- secrets entry 2 ("secret/app missing"): no value for "missing" (keys there: a)',
      expect.stringContaining('- secrets entry 3 ("secret/nope a"): no secret at "secret/data/nope"'),
      '- secrets entry 4 ("secret/locked a"): permission denied reading "secret/data/locked" (token policies: default, ci). Grant it with a policy rule: path "secret/data/locked" { capabilities = ["read"] }',
    ])
  })

  it('a path on a mount that could not be looked up suggests writing /data/', async () => {
    expect(await fetchError('hidden/app a')).toBe(
      'secrets entry 1 ("hidden/app a"): nothing at "hidden/app" (HTTP 404); if this is a KV v2 mount the token could not look up, write the path with /data/ (e.g. secret/data/app)',
    )
  })

  it.each([
    [
      { deletion_time: '2025-01-02T03:04:05Z', destroyed: false, version: 2 },
      'version 2 was deleted at 2025-01-02T03:04:05Z ("secret/data/app?version=2"); read another version with ?version=N, or undelete it',
    ],
    [{ deletion_time: '', destroyed: true, version: 2 }, 'version 2 was destroyed ("secret/data/app?version=2")'],
  ])('a deleted or destroyed version is a clear error, not an empty value', async (metadata, detail) => {
    t.fake.kv2('secret', 'app', { a: 'current' })
    t.fake.on('GET /v1/secret/data/app', (req) =>
      req.query.get('version') === '2' ? { status: 404, body: { data: { data: null, metadata } } } : undefined,
    )
    expect(await fetchError('secret/app?version=2 a')).toContain(`secrets entry 1 ("secret/app?version=2 a"): ${detail}`)
  })

  it('an answer without data is an error', async () => {
    t.fake.on('GET /v1/sys/health', () => ({ status: 200, body: { initialized: true } }))
    expect(await fetchError('sys/health initialized')).toBe(
      'secrets entry 1 ("sys/health initialized"): "sys/health" answered without data (is it a readable secret path?)',
    )
  })
})

describe('ignoreNotFound', () => {
  it('skips a missing path with a warning and returns the rest; a missing key still fails', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    const { values, warnings } = await fetch('secret/nope a | X; secret/app a', { ignoreNotFound: true })
    expect(values.map((v) => v.outputName)).toEqual(['a'])
    expect(warnings).toEqual([
      expect.stringMatching(
        /^secrets entry 1 \("secret\/nope a"\): no secret at "secret\/data\/nope".*\(skipped: ignoreNotFound is true\)$/,
      ),
    ])
    expect(await fetchError('secret/app b', { ignoreNotFound: true })).toContain('no value for "b"')
  })

  it('skips a deleted version too (Vault answers 404, as vault-action sees it), naming the deletion in the warning', async () => {
    t.fake.kv2('secret', 'app', { a: 'current' })
    const metadata = { deletion_time: '2025-01-02T03:04:05Z', destroyed: false, version: 2 }
    t.fake.on('GET /v1/secret/data/app', (req) =>
      req.query.get('version') === '2' ? { status: 404, body: { data: { data: null, metadata } } } : undefined,
    )
    const { values, warnings } = await fetch('secret/app?version=2 a | OLD; secret/app a | NOW', { ignoreNotFound: true })
    expect(values.map((v) => [v.outputName, v.value])).toEqual([['NOW', 'current']])
    expect(warnings).toEqual([
      'secrets entry 1 ("secret/app?version=2 a"): version 2 was deleted at 2025-01-02T03:04:05Z ("secret/data/app?version=2"); read another version with ?version=N, or undelete it (skipped: ignoreNotFound is true)',
    ])
  })
})
