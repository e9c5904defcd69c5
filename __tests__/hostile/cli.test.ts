/**
 * The CLI against what another step of the same job (or a slow, hostile server) can do to it: a `$BASH_ENV` that is
 * a symlink or a device is refused, never followed or chmod-ed; SIGTERM/SIGINT after the login but before the
 * `exec` child starts revokes what was issued and exits with the signal's code; `http://` to another host warns once
 * (the action's side: cleartext.test.ts; input names differ between the two, and are set per process).
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { useFakeVault } from '../action/helpers.js'
import { cli, startBundle, tempDir } from '../cli/helpers.js'

const t = useFakeVault()

describe('CircleCI $BASH_ENV', () => {
  it('a symlink is refused with a clear error; its target keeps its content and mode', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
    const dir = tempDir()
    try {
      const target = dir.file('target')
      writeFileSync(target, 'original\n', { mode: 0o644 })
      const link = dir.file('bash_env')
      symlinkSync(target, link)
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app a | A'], {
        CIRCLECI: 'true',
        BASH_ENV: link,
        VAULT_ADDR: t.fake.url,
      })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`vault-oidc: error: cannot append to ${link}: it is a symbolic link, not a regular file`)
      expect(readFileSync(target, 'utf8')).toBe('original\n')
      expect(statSync(target).mode & 0o777).toBe(0o644)
      expect(run.stdout + run.stderr).not.toContain('value-a-zz')
    } finally {
      dir.remove()
    }
  })

  it('a device (/dev/null) is refused and never chmod-ed', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
    const before = statSync('/dev/null').mode
    const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app a | A'], {
      CIRCLECI: 'true',
      BASH_ENV: '/dev/null',
      VAULT_ADDR: t.fake.url,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('cannot append to /dev/null: it is a device, not a regular file')
    expect(statSync('/dev/null').mode).toBe(before)
  })

  it('a directory is refused', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
    const dir = tempDir()
    try {
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app a | A'], {
        CIRCLECI: 'true',
        BASH_ENV: dir.path,
        VAULT_ADDR: t.fake.url,
      })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('it is a directory, not a regular file')
    } finally {
      dir.remove()
    }
  })

  it('a regular file is appended to as before (and made 0600)', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
    const dir = tempDir()
    try {
      const file = dir.file('bash_env')
      writeFileSync(file, 'export EXISTING=1\n', { mode: 0o644 })
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app a | A'], {
        CIRCLECI: 'true',
        BASH_ENV: file,
        VAULT_ADDR: t.fake.url,
      })
      expect(run.code).toBe(0)
      expect(readFileSync(file, 'utf8')).toBe("export EXISTING=1\nexport A='value-a-zz'\n")
      expect(lstatSync(file).mode & 0o777).toBe(0o600)
    } finally {
      dir.remove()
    }
  })
})

describe('a signal after the login, before the exec child starts', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    "%s: the token is revoked, the command never runs, the exit code is the signal's",
    async (signal) => {
      t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
      let readSeen: () => void = () => undefined
      const reading = new Promise<void>((resolve) => (readSeen = resolve))
      t.fake.on('GET /v1/secret/data/app', () => (readSeen(), { hang: true }))
      const dir = tempDir()
      try {
        const marker = dir.file('ran')
        const { child, result } = startBundle(
          [
            'exec',
            '--method',
            'approle',
            '--role-id',
            'rid',
            '--secret-id-file',
            writeSecret(dir.file('sid')),
            '--secrets',
            'secret/app a | A',
            '--',
            'touch',
            marker,
          ],
          { VAULT_ADDR: t.fake.url },
        )
        await reading
        child.kill(signal)
        const run = await result
        expect(run.code).toBe(128 + constants.signals[signal])
        expect(run.stderr).toContain(
          `vault-oidc: error: stopped by ${signal} before the command started; nothing was run, revoking what was issued`,
        )
        expect(run.stderr).toContain('revoked the Vault token')
        const revoke = t.fake.requests.filter((r) => r.path === '/v1/auth/token/revoke-self')
        expect(revoke.map((r) => r.headers['x-vault-token'])).toEqual(['hvs.fake-client-token'])
        expect(existsSync(marker)).toBe(false)
      } finally {
        dir.remove()
      }
    },
  )
})

describe('a signal before export writes the variables', () => {
  it('SIGTERM: --output FILE is never written, the token is revoked, exit 143', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-a-zz' })
    let readSeen: () => void = () => undefined
    const reading = new Promise<void>((resolve) => (readSeen = resolve))
    t.fake.on('GET /v1/secret/data/app', () => (readSeen(), { hang: true }))
    const dir = tempDir()
    try {
      const out = dir.file('vars.sh')
      const { child, result } = startBundle(
        [
          'export',
          '--method',
          'approle',
          '--role-id',
          'rid',
          '--secret-id-file',
          writeSecret(dir.file('sid')),
          '--secrets',
          'secret/app a | A',
          '--output',
          out,
        ],
        { VAULT_ADDR: t.fake.url },
      )
      await reading
      child.kill('SIGTERM')
      const run = await result
      expect(run.code).toBe(143)
      expect(run.stderr).toContain('stopped by SIGTERM before the variables were written; nothing was written, revoking what was issued')
      expect(existsSync(out)).toBe(false)
      expect(t.fake.requests.filter((r) => r.path === '/v1/auth/token/revoke-self')).toHaveLength(1)
    } finally {
      dir.remove()
    }
  })
})

function writeSecret(file: string): string {
  writeFileSync(file, 'sid-value\n', { mode: 0o600 })
  return file
}

describe('http:// to a host that is not this machine', () => {
  it('the CLI: one stderr line', async () => {
    const run = await cli(
      ['export', '--token', 'hvs.t', '--secrets', 'secret/app a | A', '--output', '-', '--timeout', '2s', '--retries', '0'],
      { VAULT_ADDR: 'http://vault.invalid:8200' },
    )
    expect(run.code).toBe(1)
    expect(run.stderr.split('\n').filter((l) => l.includes('is http:// to vault.invalid:8200'))).toEqual([
      'vault-oidc: warning: "--url" is http:// to vault.invalid:8200, which is not this machine: the Vault token and the secrets cross the network unencrypted. Use https://',
    ])
  })
})
