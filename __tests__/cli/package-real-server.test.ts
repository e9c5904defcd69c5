/**
 * The npm package as a user gets it: `npm pack`, its contents and size, installed alone with no registry, and the
 * installed `vault-oidc` reading a secret from the real server (so this file runs once per server project).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { DIST, leaks } from '../../__fixtures__/runner.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { cleanEnv } from './helpers.js'

const ROOT = join(DIST, '..')
const VALUE = `p@ss 'w"o$rd\`\nline 2`
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string }

describe(`${SERVER}: the npm package`, () => {
  interface Packed {
    filename: string
    size: number
    unpackedSize: number
    files: Array<{ path: string }>
  }
  const exec = promisify(execFile)
  let work: string
  let packed: Packed
  let vault: VaultServer
  let issuer: OidcIssuer
  /** npm with no registry it could reach and an empty cache: whatever it installs comes from the tarball. */
  const npmEnv = (): Record<string, string> =>
    cleanEnv({
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    })

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'vault-oidc-pack-'))
    ;[vault, issuer, packed] = await startTogether([
      startVaultServer(),
      startOidcIssuer(),
      exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, env: npmEnv(), encoding: 'utf8' }).then(
        (r) => (JSON.parse(r.stdout) as Packed[])[0]!,
      ),
    ] as const)
  }, 120_000)
  afterAll(async () => {
    await Promise.all([vault?.stop(), issuer?.close()])
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('holds the bundles, their notices, the action, orb and GitLab files, LICENSE and the docs it names; no sources, tests or fixtures', () => {
    expect(packed.files.map((f) => f.path).sort()).toEqual(
      [
        'CHANGELOG.md',
        'LICENSE',
        'README.md',
        'SECURITY.md',
        'action.yml',
        'dist/THIRD_PARTY_NOTICES.md',
        'dist/cli.cjs',
        'dist/main.cjs',
        'dist/post.cjs',
        'orb/orb.yml',
        'package.json',
        'templates/gitlab-vault-oidc.yml',
        'templates/vault-oidc.yml',
      ].sort(),
    )
    expect(packed.filename).toBe(`${PKG.name}-${PKG.version}.tgz`)
  })

  it('stays within its size budget (every job that runs the CLI downloads it)', () => {
    expect(packed.size).toBeLessThan(200 * 1024)
    expect(packed.unpackedSize).toBeLessThan(640 * 1024)
  })

  it('names every bundled package in dist/THIRD_PARTY_NOTICES.md with its license text', () => {
    const notices = readFileSync(join(DIST, 'THIRD_PARTY_NOTICES.md'), 'utf8')
    for (const name of ['@actions/core', '@actions/http-client', 'jose', 'jsonata']) {
      const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
      expect(notices).toContain(`## ${name} ${version}\n\nLicense: MIT.`)
    }
    expect(notices.match(/Permission is hereby granted, free of charge/g)?.length).toBe(notices.match(/^## /gm)?.length)
  })

  it('installs alone, with no registry, and the installed vault-oidc runs exec against the real dev server', async () => {
    const prefix = join(work, 'prefix')
    await exec('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(work, packed.filename)], {
      env: npmEnv(),
      encoding: 'utf8',
    })
    const installed = join(prefix, 'lib', 'node_modules', PKG.name)
    expect(existsSync(join(installed, 'node_modules'))).toBe(false) // nothing else was pulled in
    const env = (extra: Record<string, string>): Record<string, string> =>
      cleanEnv({ ...extra, PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin` })

    expect((await exec('vault-oidc', ['--version'], { env: env({}), encoding: 'utf8' })).stdout).toBe(`vault-oidc ${PKG.version}\n`)
    expect((await exec('vault-oidc', ['-h'], { env: env({}), encoding: 'utf8' })).stdout).toContain('vault-oidc exec [flags] -- CMD ARGS')

    await vault.api('POST', 'sys/auth/jwt', { type: 'jwt' })
    await vault.api('POST', 'auth/jwt/config', { jwks_url: issuer.jwksUrl, bound_issuer: issuer.issuer })
    await vault.api('PUT', 'sys/policies/acl/packed', { policy: 'path "secret/data/packed" { capabilities = ["read"] }' })
    await vault.api('POST', 'auth/jwt/role/packed', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: ['https://vault.test'],
      token_policies: ['packed'],
      token_ttl: '5m',
    })
    await vault.api('POST', 'secret/data/packed', { data: { password: VALUE } })
    const token = await issuer.mint({ audience: 'https://vault.test' })
    const out = join(work, 'child-saw')
    const child = [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(out)}, process.env.DB_PASSWORD)`]
    const run = await exec(
      'vault-oidc',
      [
        'exec',
        '--url',
        vault.addr,
        '--role',
        'packed',
        '--jwt-env',
        'CI_TOKEN',
        '--secrets',
        'secret/data/packed password | DB_PASSWORD',
        '--',
        ...child,
      ],
      { env: env({ CI_TOKEN: token }), encoding: 'utf8' },
    )
    expect(readFileSync(out, 'utf8') === VALUE).toBe(true)
    expect(run.stderr).toContain('vault-oidc: exported 1 environment variable(s) from 1 source(s)')
    expect(run.stderr).toContain('revoked the Vault token')
    expect(leaks(run.stdout + run.stderr, [VALUE, token])).toEqual([])
  })

  it("e2e.yml's revocation check (.github/actions/assert-revoked post step) fails while a role token lives, passes once it is revoked", async () => {
    const check = (): Promise<{ stdout: string }> =>
      exec(process.execPath, [join(ROOT, '.github', 'actions', 'assert-revoked', 'post.mjs')], {
        env: cleanEnv({ INPUT_URL: vault.addr, 'INPUT_ROOT-TOKEN': vault.rootToken, INPUT_ROLE: 'packed' }),
        encoding: 'utf8',
      })
    // after the installed CLI's exec above, every token of the role was revoked
    expect((await check()).stdout).toContain('no token of role "packed" is alive: every one was revoked')
    const login = await vault.api<{ auth: { client_token: string } }>('POST', 'auth/jwt/login', {
      role: 'packed',
      jwt: await issuer.mint({ audience: 'https://vault.test' }),
    })
    await expect(check()).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('::error::1 token(s) of role "packed" are still alive'),
    })
    await vault.api('POST', 'auth/token/revoke-self', {}, { token: login.body.auth.client_token })
    expect((await check()).stdout).toContain('no token of role "packed" is alive')
  })
})
