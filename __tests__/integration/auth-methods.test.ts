/**
 * Where the two servers differ in auth methods, said explicitly: OpenBao has no github or aws auth method (its
 * plugin catalog refuses them), Vault has both. The action's github and aws logins are tested against the loopback
 * fake (they need GitHub's and AWS's APIs); the methods both servers have are enabled here and logged in with
 * through the built action in auth.test.ts, tls.test.ts and namespace.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { onServer, SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'

let vault: VaultServer

beforeAll(async () => {
  vault = await startVaultServer()
})

afterAll(async () => {
  await vault?.stop()
})

const enable = (type: string) => vault.api<{ errors?: string[] } | undefined>('POST', `sys/auth/${type}-probe`, { type }, { allow: [400] })

describe(`${SERVER}: auth methods`, () => {
  it.each(['github', 'aws'])(
    `%s: ${onServer({ openbao: 'OpenBao has no such method (its plugin catalog refuses it)', vault: 'Vault has it' })}`,
    async (type) => {
      const r = await enable(type)
      if (SERVER === 'openbao') {
        expect(r.status).toBe(400)
        expect(r.body?.errors).toEqual([`plugin not found in the catalog: ${type}`])
      } else {
        expect(r.status).toBe(204)
      }
    },
  )

  it.each(['jwt', 'approle', 'userpass', 'cert', 'kubernetes', 'ldap'])('%s: both servers have it', async (type) => {
    expect((await enable(type)).status).toBe(204)
  })
})
