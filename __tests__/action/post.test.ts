/** The post step in-process: what it revokes, with which token, and that it never fails the job. */
import { describe, expect, it } from '@jest/globals'
import { memoryPlatform, type MemoryPlatform } from '../../__fixtures__/memory-platform.js'
import { runPostAction } from '../../src/action/post.js'
import { requestsTo, useFakeVault } from './helpers.js'

const t = useFakeVault()

async function post(state: Record<string, string>, inputs: Record<string, string> = {}): Promise<MemoryPlatform> {
  const platform = memoryPlatform(state)
  const values: Record<string, string> = { url: t.fake.url, retries: '0', ...inputs }
  await runPostAction(platform, (name) => values[name] ?? '')
  expect(platform.failed).toBeUndefined()
  return platform
}

const leaseRevokes = () => requestsTo(t.fake, 'PUT', 'sys/leases/revoke').map((r) => [r.headers['x-vault-token'], r.body])

describe('post step', () => {
  it('revokes the saved leases, then the token, with the token from the state', async () => {
    t.fake.on('PUT /v1/sys/leases/revoke', () => ({ status: 204 }))
    const p = await post({ vaultToken: 'hvs.own', vaultLeases: JSON.stringify(['database/creds/ro/l1', 'database/creds/ro/l2']) })
    expect(leaseRevokes()).toEqual([
      ['hvs.own', { lease_id: 'database/creds/ro/l1', sync: true }],
      ['hvs.own', { lease_id: 'database/creds/ro/l2', sync: true }],
    ])
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self').map((r) => r.headers['x-vault-token'])).toEqual(['hvs.own'])
    expect(t.fake.requests.at(-1)?.path).toBe('/v1/auth/token/revoke-self')
    expect(p.masks).toContain('hvs.own')
    expect(p.lines('info')).toContain('revoked the Vault token; revoked 2/2 lease(s) explicitly')
  })

  it("method token: revokes the leases with the user's token but never the token itself", async () => {
    t.fake.on('PUT /v1/sys/leases/revoke', () => ({ status: 204 }))
    await post({ vaultLeases: JSON.stringify(['database/creds/ro/l1']) }, { token: 'hvs.user' })
    expect(leaseRevokes()).toEqual([['hvs.user', { lease_id: 'database/creds/ro/l1', sync: true }]])
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self')).toEqual([])
  })

  it('does nothing when the main step obtained nothing', async () => {
    const p = await post({}, { token: 'hvs.user' })
    expect(t.fake.requests).toEqual([])
    expect(p.lines('info')).toEqual(['nothing to revoke (no token obtained by login, no leases)'])
  })

  it('a lease revocation the policy forbids is left to the token revocation', async () => {
    t.fake.on('PUT /v1/sys/leases/revoke', () => ({ status: 403, body: { errors: ['permission denied'] } }))
    const p = await post({ vaultToken: 'hvs.own', vaultLeases: JSON.stringify(['database/creds/ro/l1']) })
    expect(p.lines('warning')).toEqual([])
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self')).toHaveLength(1)
  })

  it('an already expired token is reported calmly, not as a warning', async () => {
    t.fake.on('POST /v1/auth/token/revoke-self', () => ({ status: 403, body: { errors: ['permission denied'] } }))
    const p = await post({ vaultToken: 'hvs.gone' })
    expect(p.lines('warning')).toEqual([])
    expect(p.lines('info')).toContain('the token is no longer valid (expired or already revoked)')
  })

  it('an unreadable lease list is a warning; the token is still revoked', async () => {
    const p = await post({ vaultToken: 'hvs.own', vaultLeases: '[not json' })
    expect(p.lines('warning')).toEqual(['the saved lease list is unreadable; only the token will be revoked'])
    expect(requestsTo(t.fake, 'POST', 'auth/token/revoke-self')).toHaveLength(1)
  })

  it('bad connection inputs are a warning, never a failure', async () => {
    const p = await post({ vaultToken: 'hvs.own' }, { url: 'not a url' })
    expect(p.lines('warning')).toEqual([
      'could not revoke the Vault token/leases: input "url": is not a valid URL: "not a url" (expected e.g. https://vault.example.com:8200)',
    ])
  })
})
