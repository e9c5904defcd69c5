/**
 * childToken: the job gets a down-scoped child of the login token as VAULT_TOKEN / vault_token. It cannot read what
 * its policies exclude, the summary says its policies and TTL, the login token goes as soon as it is not needed, and
 * the post step (or the end of exec) revokes the child.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runBundle } from '../../__fixtures__/runner.js'
import { startVaultServer, type VaultServer, SERVER } from '../../__fixtures__/vault-server.js'
import { bashRead, runBundleCli, tempDir } from '../cli/helpers.js'
import { expectFailure, expectSuccess, tokenIsValid, writePolicy } from './helpers.js'

let vault: VaultServer

beforeAll(async () => {
  vault = await startVaultServer()
  await writePolicy(vault, 'app-read', { 'secret/data/app': ['read'] })
  await writePolicy(vault, 'other-read', { 'secret/data/other': ['read'] })
  await writePolicy(vault, 'make-orphan', { 'auth/token/create-orphan': ['update'], 'auth/token/create': ['update'] })
  await writePolicy(vault, 'make-child', { 'auth/token/create': ['update'] })
  await vault.api('POST', 'sys/auth/userpass', { type: 'userpass' })
  await vault.api('POST', 'auth/userpass/users/orphaner', {
    password: 'pw-1',
    token_policies: ['app-read', 'other-read', 'make-orphan'],
    token_ttl: '1h',
  })
  await vault.api('POST', 'auth/userpass/users/parent', {
    password: 'pw-2',
    token_policies: ['app-read', 'other-read', 'make-child'],
    token_ttl: '1h',
  })
  await vault.api('POST', 'secret/data/app', { data: { key: 'app-value' } })
  await vault.api('POST', 'secret/data/other', { data: { key: 'other-value' } })
})

afterAll(async () => {
  await vault?.stop()
})

const login = (user: 'orphaner' | 'parent') => ({
  url: vault.addr,
  method: 'userpass',
  username: user,
  password: user === 'orphaner' ? 'pw-1' : 'pw-2',
})

/** HTTP status of reading `path` with `token`. */
async function readStatus(token: string, path: string): Promise<number> {
  return (await vault.api('GET', path, undefined, { token, allow: [403] })).status
}

async function lookup(token: string): Promise<{ policies: string[]; ttl: number; orphan: boolean; num_uses: number }> {
  return (
    await vault.api<{ data: { policies: string[]; ttl: number; orphan: boolean; num_uses: number } }>(
      'GET',
      'auth/token/lookup-self',
      undefined,
      { token },
    )
  ).body.data
}

describe(`${SERVER}: childToken`, () => {
  it('exports an orphan child with only childTokenPolicies; the login token is revoked at once; post revokes the child', async () => {
    const main = await runBundle('main', {
      inputs: {
        ...login('orphaner'),
        secrets: 'secret/data/other key | OTHER',
        childToken: 'true',
        childTokenPolicies: 'app-read',
        childTokenTtl: '5m',
        childTokenNumUses: '0',
      },
    })
    expectSuccess(main)
    const child = main.env.VAULT_TOKEN ?? ''
    expect(child).not.toBe('')
    expect(main.outputs.vault_token).toBe(child)
    expect(main.env.OTHER).toBe('other-value')
    expect(main.masks).toContain(child)
    expect(main.log).not.toContain(child)

    expect(await readStatus(child, 'secret/data/app')).toBe(200)
    expect(await readStatus(child, 'secret/data/other')).toBe(403)
    const info = await lookup(child)
    expect(info.policies.sort()).toEqual(['app-read', 'default'])
    expect(info.orphan).toBe(true)
    expect(info.ttl).toBeLessThanOrEqual(300)
    expect(info.ttl).toBeGreaterThan(200)

    // nothing else needed the login token (no leases): it went as soon as the child existed
    expect(main.state.vaultToken ?? '').toBe('')
    expect(main.log).toContain('revoked the login token')
    expect(main.summary).toContain('child token with policies `app-read`, `default`, TTL 300s')
    expect(main.summary).toContain('revoked as soon as the child token existed')

    const post = await runBundle('post', { inputs: { url: vault.addr }, state: main.state })
    expectSuccess(post)
    expect(post.log).toContain('revoked the child token')
    expect(await tokenIsValid(vault, child)).toBe(false)
  })

  it('without create-orphan the child is a child of the login token, which is kept; post revokes both', async () => {
    const main = await runBundle('main', {
      inputs: { ...login('parent'), childToken: 'true', childTokenPolicies: 'other-read', childTokenNumUses: '3' },
    })
    expectSuccess(main)
    const child = main.env.VAULT_TOKEN ?? ''
    const parent = main.state.vaultToken ?? ''
    expect(parent).not.toBe('')
    expect(main.log).toContain('creating a child of it instead')
    const info = await lookup(child)
    expect(info.orphan).toBe(false)
    expect(info.policies.sort()).toEqual(['default', 'other-read'])
    expect(await readStatus(child, 'secret/data/app')).toBe(403)
    expect(main.summary).toContain('3 use(s)')
    expect(main.summary).toContain('a child of the login token')

    const post = await runBundle('post', { inputs: { url: vault.addr }, state: main.state })
    expectSuccess(post)
    expect(post.log).toContain('revoked the child token; revoked the Vault token')
    expect(await tokenIsValid(vault, child)).toBe(false)
    expect(await tokenIsValid(vault, parent)).toBe(false)
  })

  it('a policy the login token does not have is refused, naming childTokenPolicies; nothing is exported', async () => {
    await writePolicy(vault, 'admin', { 'sys/*': ['sudo', 'read'] })
    const main = await runBundle('main', { inputs: { ...login('orphaner'), childToken: 'true', childTokenPolicies: 'app-read,admin' } })
    expectFailure(main, 'childTokenPolicies')
  })

  it('childToken with exportToken is a configuration error', async () => {
    const main = await runBundle('main', { inputs: { ...login('orphaner'), childToken: 'true', exportToken: 'true' } })
    expectFailure(main, 'childToken', 'exportToken')
  })

  it('the CLI: exec hands the command the child (it cannot read what its policies exclude) and revokes it when the command exits', async () => {
    const probe = `const h={headers:{'x-vault-token':process.env.VAULT_TOKEN}};Promise.all(['app','other'].map(p=>fetch(process.env.VAULT_ADDR+'/v1/secret/data/'+p,h).then(r=>p+'='+r.status))).then(s=>console.log(s.join(' '),process.env.VAULT_TOKEN))`
    const run = await runBundleCli(
      [
        'exec',
        '--method',
        'userpass',
        '--username',
        'orphaner',
        '--child-token',
        '--child-token-policies',
        'app-read',
        '--child-token-ttl',
        '10m',
        '--',
        process.execPath,
        '-e',
        probe,
      ],
      { VAULT_ADDR: vault.addr, VAULT_PASSWORD: 'pw-1' },
    )
    expect(run.stderr).not.toContain('error')
    expect(run.code).toBe(0)
    const [statuses, child = ''] = run.stdout.trim().split(/ (?=\S+$)/)
    expect(statuses).toBe('app=200 other=403')
    expect(run.stderr).toContain('revoked the child token')
    expect(await tokenIsValid(vault, child)).toBe(false)
  })

  it('the CLI: export writes the child with the secrets and leaves it to its TTL', async () => {
    const dir = tempDir()
    try {
      const out = dir.file('child.sh')
      const run = await runBundleCli(
        [
          '--method',
          'userpass',
          '--username',
          'orphaner',
          '--secrets',
          'secret/data/app key | APP',
          '--child-token',
          '--child-token-policies',
          'app-read',
          '--child-token-ttl',
          '2m',
          '--output',
          out,
        ],
        { VAULT_ADDR: vault.addr, VAULT_PASSWORD: 'pw-1' },
      )
      expect(run.stderr).not.toContain('error')
      expect(run.code).toBe(0)
      const { VAULT_TOKEN: child = '', APP } = bashRead(out, ['VAULT_TOKEN', 'APP'])
      expect(APP).toBe('app-value')
      expect(await readStatus(child, 'secret/data/app')).toBe(200)
      expect(await readStatus(child, 'secret/data/other')).toBe(403)
      expect((await lookup(child)).ttl).toBeLessThanOrEqual(120)
      expect(run.stderr).toContain('revoked the login token')
      await vault.api('POST', 'auth/token/revoke-self', {}, { token: child })
    } finally {
      dir.remove()
    }
  })
})
