/**
 * `secrets` entries that write a JSON body (`path {JSON} selector | NAME`) against real engines: the ssh signer,
 * transit and PKI (a lease). The same path with the same body is written once however many keys are taken; the
 * lease is revoked by the post step; a denied write names the capability to grant. Action and CLI.
 */
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runBundle } from '../../__fixtures__/runner.js'
import { startVaultServer, type VaultServer, SERVER } from '../../__fixtures__/vault-server.js'
import { runBundleCli, tempDir, type TempDir } from '../cli/helpers.js'
import { expectFailure, expectSuccess, tokenWithPolicies, writePolicy } from './helpers.js'

let vault: VaultServer
let dir: TempDir
let token: string
let readOnly: string

/** An ed25519 public key in OpenSSH's one-line form. */
function sshPublicKey(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' })
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b])
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(der.subarray(der.length - 32))]).toString('base64')} ci@test`
}

/** The serial number inside an OpenSSH ed25519 user certificate (type, nonce, key, then uint64 serial). */
function certSerial(signed: string): bigint {
  const blob = Buffer.from(signed.trim().split(/\s+/)[1] ?? '', 'base64')
  let at = 0
  for (let i = 0; i < 3; i++) at += 4 + blob.readUInt32BE(at)
  return blob.readBigUInt64BE(at)
}

beforeAll(async () => {
  vault = await startVaultServer()
  dir = tempDir()
  await vault.api('POST', 'sys/mounts/ssh', { type: 'ssh' })
  await vault.api('POST', 'ssh/config/ca', { generate_signing_key: true })
  await vault.api('POST', 'ssh/roles/ci', {
    key_type: 'ca',
    allow_user_certificates: true,
    allowed_users: 'ci',
    default_user: 'ci',
    ttl: '10m',
  })
  await vault.api('POST', 'sys/mounts/transit', { type: 'transit' })
  await vault.api('POST', 'transit/keys/app', {})
  await vault.api('POST', 'sys/mounts/pki', { type: 'pki', config: { max_lease_ttl: '24h' } })
  await vault.api('POST', 'pki/root/generate/internal', { common_name: 'Test Root', ttl: '24h' })
  await vault.api('POST', 'pki/roles/web', {
    allowed_domains: ['example.test'],
    allow_subdomains: true,
    max_ttl: '1h',
    generate_lease: true,
  })
  await writePolicy(vault, 'issue', {
    'ssh/sign/ci': ['update'],
    'transit/encrypt/app': ['update'],
    'pki/issue/web': ['update'],
    'sys/leases/revoke': ['update'],
  })
  await writePolicy(vault, 'read-only', { 'ssh/sign/ci': ['read'] })
  token = await tokenWithPolicies(vault, ['issue'])
  readOnly = await tokenWithPolicies(vault, ['read-only'])
})

afterAll(async () => {
  await vault?.stop()
  dir?.remove()
})

describe(`${SERVER}: secrets entries with a JSON body`, () => {
  it('the action signs an SSH key (one write for two keys), encrypts with transit, issues a leased certificate that post revokes', async () => {
    const pub = sshPublicKey()
    const body = JSON.stringify({ public_key: pub, valid_principals: 'ci', cert_type: 'user' })
    // the same body with its keys in another order is the same write
    const reordered = JSON.stringify({ cert_type: 'user', valid_principals: 'ci', public_key: pub })
    const secrets = [
      `ssh/sign/ci ${body} signed_key | SSH_CERT`,
      `ssh/sign/ci ${reordered} serial_number | SSH_SERIAL`,
      'transit/encrypt/app {"plaintext":"aGVsbG8gd29ybGQ="} ciphertext | CIPHERTEXT',
      'pki/issue/web {"common_name":"app.example.test","ttl":"10m"} certificate | TLS_CERT',
    ].join('\n')
    const main = await runBundle('main', { inputs: { url: vault.addr, token, secrets } })
    expectSuccess(main)
    const { SSH_CERT: cert = '', SSH_SERIAL: serial = '', CIPHERTEXT: ct = '', TLS_CERT: tls = '' } = main.env
    expect(cert).toMatch(/^ssh-ed25519-cert-v01@openssh\.com /)
    // written once: both keys come from the same certificate
    expect(certSerial(cert)).toBe(BigInt(`0x${serial}`))
    const plain = await vault.api<{ data: { plaintext: string } }>('POST', 'transit/decrypt/app', { ciphertext: ct })
    expect(Buffer.from(plain.body.data.plaintext, 'base64').toString()).toBe('hello world')
    expect(tls).toContain('-----BEGIN CERTIFICATE-----')
    expect(main.masks).toEqual(expect.arrayContaining([cert, ct]))
    const leases = JSON.parse(main.state.vaultLeases ?? '[]') as string[]
    expect(leases).toEqual([expect.stringMatching(/^pki\/issue\/web\//)])

    const post = await runBundle('post', { inputs: { url: vault.addr, token }, state: main.state })
    expectSuccess(post)
    expect(post.log).toContain('revoked 1/1 lease(s) explicitly')
    expect((await vault.api('PUT', 'sys/leases/lookup', { lease_id: leases[0] }, { allow: [400] })).status).toBe(400)
  })

  it('a write the policy does not allow fails naming the path and the capability to grant; nothing is exported', async () => {
    const main = await runBundle('main', {
      inputs: { url: vault.addr, token: readOnly, secrets: `ssh/sign/ci {"public_key":"${sshPublicKey()}"} signed_key | SSH_CERT` },
    })
    expectFailure(main, 'permission denied writing "ssh/sign/ci"', 'capabilities = ["update"]')
  })

  it("the engine's refusal of a bad body is explained, without echoing the body", async () => {
    const main = await runBundle('main', {
      inputs: { url: vault.addr, token, secrets: 'ssh/sign/ci {"public_key":"not-a-key-sekrit"} signed_key | SSH_CERT' },
    })
    const message = expectFailure(main, 'Vault refused the write to "ssh/sign/ci" (HTTP 400)', 'JSON body')
    expect(message).not.toContain('not-a-key-sekrit')
  })

  it('check mode reports a write entry by its update capability, without writing', async () => {
    const main = await runBundle('main', {
      inputs: { url: vault.addr, token, check: 'true', secrets: 'transit/encrypt/app {"plaintext":"aGk="} ciphertext | CT' },
    })
    expectSuccess(main)
    expect(main.log).toMatch(/transit\/encrypt\/app\s+ok\s+update/)
  })

  it('the CLI (exec) gives the command the values of a written entry', async () => {
    const out = dir.file('ct.txt')
    const run = await runBundleCli(
      [
        'exec',
        '--secrets',
        'transit/encrypt/app {"plaintext":"c2VjcmV0IGRhdGE="} ciphertext | CT',
        '--',
        'sh',
        '-c',
        `printf %s "$CT" > ${JSON.stringify(out)}`,
      ],
      { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    )
    expect(run.stderr).not.toContain('error')
    expect(run.code).toBe(0)
    const plain = await vault.api<{ data: { plaintext: string } }>('POST', 'transit/decrypt/app', { ciphertext: readFileSync(out, 'utf8') })
    expect(Buffer.from(plain.body.data.plaintext, 'base64').toString()).toBe('secret data')
  })
})
