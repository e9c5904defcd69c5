/**
 * The TLS dev server (-dev-tls): custom CA, tlsSkipVerify, cert auth with a client certificate issued by the
 * server's own PKI engine, and an HTTP CONNECT proxy (HTTPS_PROXY) with NO_PROXY.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startConnectProxy, type ConnectProxy } from '../../__fixtures__/connect-proxy.js'
import { runBundle } from '../../__fixtures__/runner.js'
import { selfSignedCert } from '../../__fixtures__/tls-cert.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { expectFailure, expectSuccess, mainThenPost, tokenIsValid, tokenWithPolicies, writePolicy } from './helpers.js'

let vault: VaultServer
let proxy: ConnectProxy
let token: string
let ca: string

beforeAll(async () => {
  ;[vault, proxy] = await startTogether([startVaultServer({ tls: true }), startConnectProxy()] as const)
  ca = vault.caPem ?? ''
  await writePolicy(vault, 'ci-read', { 'secret/data/app/*': ['read'] })
  await vault.api('POST', 'secret/data/app/db', { data: { password: 'tls-pass' } })
  token = await tokenWithPolicies(vault, ['ci-read'])
})

afterAll(async () => {
  await Promise.all([vault?.stop(), proxy?.close()])
})

const secrets = 'secret/app/db password | DB_PASSWORD'

describe(`${SERVER}: TLS`, () => {
  it('verifies the server with caCertificate (PEM, or base64 of PEM)', async () => {
    for (const caCertificate of [ca, Buffer.from(ca).toString('base64')]) {
      const r = await runBundle('main', { inputs: { url: vault.addr, token, secrets, caCertificate } })
      expectSuccess(r)
      expect(r.env).toEqual({ DB_PASSWORD: 'tls-pass' })
    }
  })

  it('refuses a server it cannot verify, and tlsSkipVerify lets it through', async () => {
    const refused = await runBundle('main', { inputs: { url: vault.addr, token, secrets, retries: '0' } })
    expectFailure(refused, 'TLS verification of', 'Give the server\'s CA in "caCertificate"')
    const skipped = await runBundle('main', { inputs: { url: vault.addr, token, secrets, tlsSkipVerify: 'true' } })
    expectSuccess(skipped)
    expect(skipped.env).toEqual({ DB_PASSWORD: 'tls-pass' })
  })

  it('cert auth: logs in with a client certificate issued by the PKI engine; the post step revokes the token', async () => {
    await vault.api('POST', 'sys/mounts/pki-client', { type: 'pki', config: { max_lease_ttl: '24h' } })
    const root = await vault.api<{ data: { certificate: string } }>('POST', 'pki-client/root/generate/internal', {
      common_name: 'CI client CA',
      ttl: '24h',
    })
    await vault.api('POST', 'pki-client/roles/client', { allow_any_name: true, client_flag: true, server_flag: false, max_ttl: '1h' })
    const leaf = await vault.api<{ data: { certificate: string; private_key: string } }>('POST', 'pki-client/issue/client', {
      common_name: 'ci-client',
      ttl: '30m',
    })
    await vault.api('POST', 'sys/auth/cert', { type: 'cert' })
    await vault.api('POST', 'auth/cert/certs/ci', {
      certificate: root.body.data.certificate,
      allowed_common_names: ['ci-client'],
      token_policies: ['ci-read'],
    })

    const inputs = {
      url: vault.addr,
      caCertificate: ca,
      method: 'cert',
      role: 'ci',
      clientCertificate: leaf.body.data.certificate,
      clientKey: leaf.body.data.private_key,
      secrets,
    }
    const { main } = await mainThenPost({ inputs })
    expect(main.env).toEqual({ DB_PASSWORD: 'tls-pass' })
    expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)

    const noCert = await runBundle('main', { inputs: { url: vault.addr, caCertificate: ca, method: 'cert', role: 'ci', secrets } })
    expectFailure(noCert, 'Vault rejected the cert login at auth/cert', 'clientCertificate')
  })
})

describe(`${SERVER}: HTTPS_PROXY and NO_PROXY`, () => {
  // loopback addresses are never proxied (like the runner), so address the server by the machine's name,
  // which its dev certificate covers and which the proxy maps to 127.0.0.1
  const url = () => `https://${hostname()}:${vault.port}`

  it('tunnels every request through the CONNECT proxy in HTTPS_PROXY', async () => {
    proxy.connects.length = 0
    const r = await runBundle('main', { inputs: { url: url(), token, secrets, caCertificate: ca }, env: { HTTPS_PROXY: proxy.url } })
    expectSuccess(r)
    expect(r.env).toEqual({ DB_PASSWORD: 'tls-pass' })
    expect(proxy.connects.length).toBeGreaterThanOrEqual(1)
    expect(new Set(proxy.connects)).toEqual(new Set([`${hostname()}:${vault.port}`]))
  })

  it('goes direct to a host listed in NO_PROXY', async () => {
    proxy.connects.length = 0
    // going direct means resolving the machine's name: make it 127.0.0.1 whatever /etc/hosts says
    const loopback = {
      NODE_OPTIONS: `--require ${fileURLToPath(new URL('../../__fixtures__/resolve-to-loopback.cjs', import.meta.url))}`,
      VAULT_OIDC_TEST_LOOPBACK_NAMES: hostname(),
    }
    const r = await runBundle('main', {
      inputs: { url: url(), token, secrets, caCertificate: ca },
      env: { HTTPS_PROXY: proxy.url, NO_PROXY: `example.invalid,${hostname()}`, ...loopback },
    })
    expectSuccess(r)
    expect(r.env).toEqual({ DB_PASSWORD: 'tls-pass' })
    expect(proxy.connects).toEqual([])
  })

  it("an https:// proxy: TLS to the proxy (trusted through NODE_EXTRA_CA_CERTS), Vault's TLS inside, credentials decoded once", async () => {
    const proxyCert = selfSignedCert()
    const tlsProxy = await startConnectProxy({ tls: proxyCert })
    const dir = mkdtempSync(join(tmpdir(), 'vault-oidc-proxy-ca-'))
    try {
      writeFileSync(join(dir, 'proxy-ca.pem'), proxyCert.cert)
      const proxyUrl = tlsProxy.url.replace('https://', 'https://ci%40corp:p%2541ss@')
      const r = await runBundle('main', {
        inputs: { url: url(), token, secrets, caCertificate: ca },
        env: { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: join(dir, 'proxy-ca.pem') },
      })
      expectSuccess(r)
      expect(r.env).toEqual({ DB_PASSWORD: 'tls-pass' })
      expect(new Set(tlsProxy.connects)).toEqual(new Set([`${hostname()}:${vault.port}`]))
      expect(new Set(tlsProxy.authorizations)).toEqual(new Set([`Basic ${Buffer.from('ci@corp:p%41ss').toString('base64')}`]))

      const untrusted = await runBundle('main', {
        inputs: { url: url(), token, secrets, caCertificate: ca, retries: '0' },
        env: { HTTPS_PROXY: tlsProxy.url },
      })
      expectFailure(untrusted, `cannot reach proxy ${new URL(tlsProxy.url).host}`, 'add its CA to NODE_EXTRA_CA_CERTS')
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await tlsProxy.close()
    }
  })
})
