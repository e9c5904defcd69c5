import { describe, expect, it } from '@jest/globals'
import { leaseRef } from '../../src/vault/client.js'

describe('leaseRef: where a lease is revoked', () => {
  it("a lease read in the token's own namespace is saved as it is", () => {
    expect(leaseRef('database/creds/ro', 'database/creds/ro/AbC123')).toBe('database/creds/ro/AbC123')
    expect(leaseRef('pki/issue/web', 'pki/issue/web/AbC.x1y2')).toBe('pki/issue/web/AbC.x1y2')
    expect(leaseRef('kv1/app?version=2', 'kv1/app/AbC')).toBe('kv1/app/AbC')
  })

  it("a lease read through a child namespace's path prefix carries that namespace", () => {
    expect(leaseRef('team-a/pki/issue/web', 'pki/issue/web/AbC.x1y2')).toBe('team-a/::pki/issue/web/AbC.x1y2')
    expect(leaseRef('team-a/ci/database/creds/ro', 'database/creds/ro/AbC.nsid')).toBe('team-a/ci/::database/creds/ro/AbC.nsid')
  })

  it("a lease id that does not match the path (another engine's layout) is saved as it is", () => {
    expect(leaseRef('secret/data/app', 'other/AbC')).toBe('other/AbC')
    expect(leaseRef('team-a/xpki/issue/web', 'pki/issue/web/AbC')).toBe('pki/issue/web/AbC')
    expect(leaseRef('pki/issue/web', 'no-slash')).toBe('no-slash')
  })
})
