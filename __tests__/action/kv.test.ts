import { describe, expect, it } from '@jest/globals'
import { resolvePaths } from '../../src/core/kv.js'
import { requestsTo, useFakeVault } from './helpers.js'

const t = useFakeVault()

const lookups = (): string[] =>
  t.fake.requests
    .filter((r) => r.path.startsWith('/v1/sys/internal/ui/mounts/'))
    .map((r) => r.path.slice('/v1/sys/internal/ui/mounts/'.length))

async function resolve(paths: string[]): Promise<Record<string, string>> {
  const { vault, platform } = t.connect()
  const resolved = await resolvePaths(paths, vault, platform.log)
  return Object.fromEntries([...resolved].map(([written, r]) => [written, r.api]))
}

describe('KV path resolution against the fake', () => {
  it('inserts data/ for KV v2, never doubles it, keeps ?version=N, and leaves KV v1 alone', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    t.fake.kv1('kv', 'legacy', { a: '1' })
    expect(
      await resolve([
        'secret/app',
        'secret/team/app',
        'secret/data/app',
        'secret/app?version=2',
        'secret/data/app?version=3',
        'kv/legacy',
        'kv/data/x',
      ]),
    ).toEqual({
      'secret/app': 'secret/data/app',
      'secret/team/app': 'secret/data/team/app',
      'secret/data/app': 'secret/data/app',
      'secret/app?version=2': 'secret/data/app?version=2',
      'secret/data/app?version=3': 'secret/data/app?version=3',
      'kv/legacy': 'kv/legacy',
      'kv/data/x': 'kv/data/x',
    })
  })

  it('reads KV v2 metadata/ and subkeys/ paths as written, like vault-action', async () => {
    t.fake.kv2('secret', 'app', { a: '1' })
    expect(await resolve(['secret/metadata/app', 'secret/subkeys/app', 'secret/metadata', 'secret/metadatax/app'])).toEqual({
      'secret/metadata/app': 'secret/metadata/app',
      'secret/subkeys/app': 'secret/subkeys/app',
      'secret/metadata': 'secret/metadata',
      'secret/metadatax/app': 'secret/data/metadatax/app',
    })
  })

  it('handles a mount deeper than one segment', async () => {
    t.fake.kv2('team/a', 'app', {})
    expect(await resolve(['team/a/app'])).toEqual({ 'team/a/app': 'team/a/data/app' })
  })

  it('leaves paths on other engines as written', async () => {
    t.fake.on('GET /v1/sys/internal/ui/mounts/database/creds/ro', () => ({
      status: 200,
      body: { data: { path: 'database/', type: 'database', options: null } },
    }))
    expect(await resolve(['database/creds/ro'])).toEqual({ 'database/creds/ro': 'database/creds/ro' })
  })

  it('reads the path as written when the mount lookup is denied, and says so in debug', async () => {
    const { vault, platform } = t.connect()
    const resolved = await resolvePaths(['locked/app'], vault, platform.log)
    expect(resolved.get('locked/app')?.api).toBe('locked/app')
    expect(resolved.get('locked/app')?.mount).toBeUndefined()
    expect(platform.lines('debug')).toContain('mount lookup for "locked/app" was not allowed or not supported; reading the path as written')
  })

  it('reads the path as written when the lookup keeps failing, and says why in debug', async () => {
    t.fake.on(/^GET \/v1\/sys\/internal\/ui\/mounts\//, () => ({ status: 500, body: { errors: ['internal error'] } }))
    const { vault, platform } = t.connect({ retries: 1 })
    const resolved = await resolvePaths(['secret/app'], vault, platform.log)
    expect(resolved.get('secret/app')?.api).toBe('secret/app')
    expect(platform.lines('debug').join('\n')).toContain(
      'mount lookup for "secret/app" failed (mount lookup for "secret/app": HTTP 500: internal error); reading the path as written',
    )
  })

  it('looks each mount up once, however many paths it holds', async () => {
    t.fake.kv2('secret', 'x', {})
    t.fake.kv1('kv', 'x', {})
    const paths = [
      ...Array.from({ length: 20 }, (_, i) => `secret/app${i}`),
      ...Array.from({ length: 10 }, (_, i) => `kv/app${i}?version=1`),
      'secret/app0',
    ]
    const api = await resolve(paths)
    expect(api['secret/app19']).toBe('secret/data/app19')
    expect(lookups().sort()).toEqual(['kv/app0', 'secret/app0'])
  })

  it('asks once per mount even when the lookup is denied', async () => {
    await resolve(Array.from({ length: 8 }, (_, i) => `locked/app${i}`))
    expect(lookups()).toHaveLength(1)
  })

  it('a mount in a child namespace comes back with its path from the root: data/ still goes right after the mount as written', async () => {
    // what OpenBao answers inside namespace "team-a" for "ci/secret/app" when secret/ is mounted in team-a/ci
    t.fake.on(/^GET \/v1\/sys\/internal\/ui\/mounts\/ci\/secret\//, () => ({
      status: 200,
      body: { data: { path: 'team-a/ci/secret/', type: 'kv', options: { version: '2' } } },
    }))
    const { vault, platform } = t.connect({ namespace: 'team-a' })
    const resolved = await resolvePaths(['ci/secret/app', 'ci/secret/other?version=2'], vault, platform.log)
    expect(resolved.get('ci/secret/app')?.api).toBe('ci/secret/data/app')
    expect(resolved.get('ci/secret/other?version=2')?.api).toBe('ci/secret/data/other?version=2')
    expect(resolved.get('ci/secret/app')?.mount?.path).toBe('ci/secret/')
    expect(lookups()).toEqual(['ci/secret/app'])
  })

  it('inside a namespace, a refused lookup into a child namespace asks that namespace itself (OpenBao refuses the first)', async () => {
    t.fake.on('GET /v1/ci/sys/internal/ui/mounts/secret/app', () => ({
      status: 200,
      body: { data: { path: 'secret/', type: 'kv', options: { version: '2' } } },
    }))
    const { vault, platform } = t.connect({ namespace: 'team-a' })
    const resolved = await resolvePaths(['ci/secret/app', 'ci/secret/more'], vault, platform.log)
    expect(resolved.get('ci/secret/app')?.api).toBe('ci/secret/data/app')
    expect(resolved.get('ci/secret/more')?.api).toBe('ci/secret/data/more')
    expect(t.fake.requests.map((r) => r.path)).toEqual([
      '/v1/sys/internal/ui/mounts/ci/secret/app',
      '/v1/ci/sys/internal/ui/mounts/secret/app',
    ])
    expect(platform.lines('debug')).toContain('mount lookup for "ci/secret/app" was refused; asked namespace "ci/" instead')
  })

  it('tries each leading run of segments as the child namespace, and gives up after the last', async () => {
    const { vault, platform } = t.connect({ namespace: 'team-a' })
    const resolved = await resolvePaths(['x/y/secret/app'], vault, platform.log)
    expect(resolved.get('x/y/secret/app')?.api).toBe('x/y/secret/app')
    expect(t.fake.requests.map((r) => r.path)).toEqual([
      '/v1/sys/internal/ui/mounts/x/y/secret/app',
      '/v1/x/sys/internal/ui/mounts/y/secret/app',
      '/v1/x/y/sys/internal/ui/mounts/secret/app',
    ])
  })

  it('without a namespace a refused lookup is not retried', async () => {
    await resolve(['ci/secret/app'])
    expect(lookups()).toEqual(['ci/secret/app'])
    expect(t.fake.requests).toHaveLength(1)
  })

  it('sends the lookup with the token and namespace', async () => {
    t.fake.kv2('secret', 'app', {})
    const { vault: tokenless, platform } = t.connect({ namespace: 'team-a' })
    const vault = tokenless.withToken('hvs.lookup')
    await resolvePaths(['secret/app'], vault, platform.log)
    const [req] = requestsTo(t.fake, 'GET', 'sys/internal/ui/mounts/secret/app')
    expect(req?.headers['x-vault-token']).toBe('hvs.lookup')
    expect(req?.headers['x-vault-namespace']).toBe('team-a')
  })
})
