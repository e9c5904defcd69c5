/**
 * The action's exported run() functions (src/main.ts, src/post.ts): what dist/*.cjs and GitHub's local runner
 * (`npx @github/local-action run . src/main.ts .env`) call. Driven the way a runner drives them: INPUT_* variables
 * and the runner's GITHUB_* files in process.env, the post step reading the state the main step saved.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseFileCommand } from '../../__fixtures__/runner.js'
import { run as runMain } from '../../src/main.js'
import { run as runPost } from '../../src/post.js'
import { useFakeVault } from './helpers.js'

const t = useFakeVault()
const saved = { ...process.env }
const savedExitCode = process.exitCode
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
  process.exitCode = savedExitCode
  jest.restoreAllMocks()
})

/** Runs `step` with this environment added; returns what it wrote to stdout. */
async function asRunner(env: Record<string, string>, step: () => Promise<void>): Promise<string> {
  Object.assign(process.env, env)
  let out = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true))
  try {
    await step()
    await new Promise((resolve) => setImmediate(resolve)) // the GitHub logger flushes held-back lines on the next turn
  } finally {
    jest.restoreAllMocks()
  }
  return out
}

describe('run() of src/main.ts and src/post.ts', () => {
  it('main exports env and outputs and saves the token; post revokes it from the saved state', async () => {
    t.fake.kv2('secret', 'app', { password: 'pa55-w0rd' })
    const dir = mkdtempSync(join(tmpdir(), 'entry-'))
    try {
      const files = Object.fromEntries(['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE'].map((k) => [k, join(dir, k)]))
      for (const f of Object.values(files)) writeFileSync(f, '')
      const inputs = {
        INPUT_URL: t.fake.url,
        INPUT_METHOD: 'approle',
        INPUT_ROLEID: 'r-1',
        INPUT_SECRETID: 's-1',
        INPUT_SECRETS: 'secret/app password | DB_PASSWORD',
      }
      const log = await asRunner({ ...inputs, ...files }, runMain)
      expect(process.exitCode ?? 0).toBe(0)
      expect(parseFileCommand(readFileSync(files.GITHUB_ENV!, 'utf8'))).toEqual({ DB_PASSWORD: 'pa55-w0rd' })
      expect(parseFileCommand(readFileSync(files.GITHUB_OUTPUT!, 'utf8'))).toEqual({ DB_PASSWORD: 'pa55-w0rd' })
      expect(log).toContain('::add-mask::pa55-w0rd')
      expect(log.replace('::add-mask::pa55-w0rd', '')).not.toContain('pa55-w0rd')
      const state = parseFileCommand(readFileSync(files.GITHUB_STATE!, 'utf8'))
      expect(Object.keys(state).length).toBeGreaterThan(0)

      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
      const postLog = await asRunner(stateEnv, runPost)
      expect(postLog).toContain('revoked the Vault token')
      expect(t.fake.requests.filter((r) => r.path === '/v1/auth/token/revoke-self').map((r) => r.headers['x-vault-token'])).toEqual([
        'hvs.fake-client-token',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('main fails the step with the input named when url is missing, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entry-'))
    try {
      const env = join(dir, 'env')
      const log = await asRunner(
        { INPUT_URL: '', INPUT_SECRETS: 'secret/app password', GITHUB_ENV: env, GITHUB_OUTPUT: join(dir, 'out') },
        runMain,
      )
      expect(process.exitCode).toBe(1)
      expect(log).toMatch(/::error::vault-oidc-action: .*url/)
      expect(existsSync(env)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
