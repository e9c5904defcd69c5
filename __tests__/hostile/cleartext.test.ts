/**
 * `url` with http:// to a host that is not this machine sends the token and the secrets in clear text: the action
 * says so once, as a warning annotation; loopback (a dev server) and https are quiet. The CLI's side: cli.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { warnIfCleartext } from '../../src/vault/connect.js'
import { runMainStep, useFakeVault } from '../action/helpers.js'

const t = useFakeVault()

describe('http:// to a host that is not this machine', () => {
  const warnings = (url: string): string[] => {
    const seen: string[] = []
    warnIfCleartext(url, {
      debug: () => undefined,
      info: () => undefined,
      warning: (m) => void seen.push(m),
      error: () => undefined,
      isDebug: () => false,
    })
    return seen
  }

  it('warns once for a remote host; never for loopback or https', () => {
    expect(warnings('http://vault.example.com:8200')).toEqual([
      '"url" is http:// to vault.example.com:8200, which is not this machine: the Vault token and the secrets cross the network unencrypted. Use https://',
    ])
    for (const url of [
      'http://127.0.0.1:8200',
      'http://localhost:8200',
      'http://[::1]:8200',
      'http://vault.localhost',
      'https://vault.example.com',
    ])
      expect([url, warnings(url)]).toEqual([url, []])
    expect(warnings('http://10.0.0.5:8200')).toHaveLength(1)
  })

  it('the action: one warning annotation for a remote host, none for a loopback dev server', async () => {
    const remote = await runMainStep('http://vault.invalid:8200', {
      token: 'hvs.t',
      secrets: 'secret/app a | A; secret/b b | B',
      retries: '0',
      timeout: '5s',
    })
    expect(remote.failed).toBeDefined()
    expect(remote.lines('warning').filter((w) => w.includes('http://'))).toEqual([
      '"url" is http:// to vault.invalid:8200, which is not this machine: the Vault token and the secrets cross the network unencrypted. Use https://',
    ])
    t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
    const local = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app a | A' })
    expect(local.failed).toBeUndefined()
    expect(local.lines('warning').filter((w) => w.includes('http://'))).toEqual([])
  })
})
