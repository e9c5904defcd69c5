/**
 * A hostile KV writer: someone who can write one KV entry that a workflow reads with `*` or `**` chooses the
 * environment variable names. Names that would change how later steps run (PATH, LD_PRELOAD, NODE_OPTIONS, proxies,
 * the CI's own variables, VAULT_TOKEN…), empty or non-portable names, names another script upper-cases into ASCII
 * (`gıthub_path`) and names that collide with another export fail the step before anything is exported, naming the
 * path and the key and never the value. A name the workflow writes (`| NAME`) stays allowed.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs'
import { runBundle } from '../../__fixtures__/runner.js'
import { runMainStep, useFakeVault } from '../action/helpers.js'
import { cli, tempDir } from '../cli/helpers.js'

const t = useFakeVault()

/** A value that must never be shown; each key gets its own. */
const value = (key: string): string => `hostile-value-for-${Buffer.from(key).toString('hex')}-zz`

function hostile(keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, value(k)]))
}

const DANGEROUS = [
  'path',
  'bash_env',
  'ld_preload',
  'node_options',
  'https_proxy',
  'vault_token',
  'g\u0131thub_path',
  'github_env',
  'Http_Proxy',
  'PYTHONPATH',
  'dyld_insert_libraries',
  'git_ssh_command',
  'BASH_FUNC_ls%%',
]

describe('the action: names chosen by the server', () => {
  it.each(DANGEROUS)('key %j under `*` fails the step before anything is exported, naming the path and the key', async (key) => {
    t.fake.kv2('secret', 'app', { ...hostile([key]), harmless: 'harmless-value-zz' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.failed).toMatch(/^vault-oidc-action: secrets entry 1 \("secret\/app \*"\): the key "/)
    expect(p.failed).toContain(`secret/app `)
    expect(p.failed).toContain('| MY_NAME')
    expect(p.env).toEqual({})
    expect(Object.keys(p.outputs)).toEqual(['errorMessage'])
    expect(
      p.events
        .filter((e) => e.kind !== 'mask')
        .map((e) => `${e.name} ${e.value}`)
        .join('\n'),
    ).not.toContain('hostile-value')
  })

  it('says why for a protected name, and how to take the key deliberately', async () => {
    t.fake.kv2('secret', 'app', hostile(['path']))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.outputs.errorMessage).toBe(
      'secrets entry 1 ("secret/app *"): the key "path" would set PATH, a protected name a secret\'s keys may not choose (it changes how later steps run; ' +
        'see "Protected names" in docs/security.md); to take this key anyway, name it yourself: secret/app path | MY_NAME',
    )
  })

  it('`**` keeps the case, and is checked without regard to case (Windows, zsh, lowercase proxies)', async () => {
    t.fake.kv2('secret', 'app', hostile(['path', 'https_proxy']))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app **' })
    expect(p.failed).toContain("2 names chosen by the server's keys cannot be used")
    expect(p.failed).toContain('the key "path" would set path')
    expect(p.failed).toContain('the key "https_proxy" would set https_proxy')
    expect(p.env).toEqual({})
  })

  it('a dotless ı is not upper-cased into GITHUB_PATH: the name is not portable, and the step says so', async () => {
    t.fake.kv2('secret', 'app', hostile(['g\u0131thub_path']))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.failed).toContain('the key "g\u0131thub_path" gives "G\u0131THUB_PATH", which is not a portable environment variable name')
    expect(p.failed).toContain('name it yourself: secret/app "g\u0131thub_path" | MY_NAME')
    expect(p.env).toEqual({})
  })

  it('keys that give an empty name ("" and "-") fail instead of writing names the runner rejects', async () => {
    t.fake.kv2('secret', 'app', hostile(['', '-']))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.failed).toContain('the key "" gives an empty environment variable name')
    expect(p.failed).toContain('the key "-" gives an empty environment variable name')
    expect(p.env).toEqual({})
  })

  it("a key whose name is the server's own text is neutralised in the message (no line break, no command)", async () => {
    t.fake.kv2('secret', 'app', hostile(['ld_x\n::warning::fake']))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.failed).toContain('the key "ld_x\\n::warning::fake" would set LD_XWARNINGFAKE')
    expect(p.failed).not.toContain('\n')
  })

  it('the vault_token output cannot be overridden by a key of that name', async () => {
    t.fake.kv2('secret', 'app', hostile(['vault_token']))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app **', outputToken: 'true', exportEnv: 'false' })
    expect(p.failed).toContain(
      'the key "vault_token" gives the output vault_token, the name of another output of this step (from Vault token (outputToken))',
    )
    expect(p.outputs).toEqual({ errorMessage: expect.any(String) })
  })

  it('a wildcard name that collides with another export of the step fails; with VAULT_TOKEN too', async () => {
    t.fake.kv2('secret', 'app', { user: 'u-value-zz', other: 'o-value-zz' })
    t.fake.kv2('secret', 'more', { user: 'hostile-user-zz' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app user | USER; secret/more *' })
    expect(p.failed).toContain(
      'secrets entry 2 ("secret/more *"): the key "user" gives USER, the name of another environment variable of this step (from secret/data/app)',
    )
    expect(p.env).toEqual({})
  })

  it('two keys of one secret that give the same name fail', async () => {
    t.fake.kv2('secret', 'app', { 'api-key': 'a-value-zz', apikey: 'b-value-zz' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.failed).toContain('the key "api-key" gives APIKEY, the name of another environment variable of this step')
    expect(p.env).toEqual({})
  })

  it('a name the workflow writes with "| NAME" stays allowed, protected or not (as in vault-action)', async () => {
    t.fake.kv2('secret', 'app', { path: '/opt/tools/bin', proxy: 'http://proxy.internal:3128' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app path | PATH; secret/app proxy | HTTPS_PROXY' })
    expect(p.failed).toBeUndefined()
    expect(p.env).toEqual({ PATH: '/opt/tools/bin', HTTPS_PROXY: 'http://proxy.internal:3128' })
  })

  it('with exportEnv false a wildcard sets outputs only, and "path" is a harmless output name', async () => {
    t.fake.kv2('secret', 'app', { path: 'p-value-zz' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app **', exportEnv: 'false' })
    expect(p.failed).toBeUndefined()
    expect(p.outputs).toEqual({ path: 'p-value-zz' })
  })

  it('ordinary keys still work under `*` and `**`', async () => {
    t.fake.kv2('secret', 'app', { db_password: 'pw-value-zz', 'api.key': 'ak-value-zz' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app *' })
    expect(p.failed).toBeUndefined()
    expect(p.env).toEqual({ DB_PASSWORD: 'pw-value-zz', API__KEY: 'ak-value-zz' })
  })

  it('the bundled action writes nothing to GITHUB_ENV or GITHUB_OUTPUT and prints no value', async () => {
    t.fake.kv2('secret', 'app', { ...hostile(['ld_preload']), fine: 'fine-value-zz' })
    const r = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.t', secrets: 'secret/app *' } })
    expect(r.code).toBe(1)
    expect(r.env).toEqual({})
    expect(Object.keys(r.outputs)).toEqual(['errorMessage'])
    expect(r.log).toContain('::error::vault-oidc-action: secrets entry 1 ("secret/app *"): the key "ld_preload" would set LD_PRELOAD')
    expect(r.log + r.errLog).not.toContain('hostile-value')
  })
})

describe('the CLI: names chosen by the server, every sink', () => {
  it('exec: the command never runs, and no protected name reaches its environment', async () => {
    t.fake.kv2('secret', 'app', hostile(['path', 'node_options']))
    const dir = tempDir()
    try {
      const marker = dir.file('ran')
      const run = await cli(['exec', '--token', 'hvs.t', '--secrets', 'secret/app *', '--', 'touch', marker], { VAULT_ADDR: t.fake.url })
      expect(run.code).toBe(1)
      expect(existsSync(marker)).toBe(false)
      expect(run.stderr).toContain('the key "path" would set PATH')
      expect(run.stderr).toContain('the key "node_options" would set NODE_OPTIONS')
      expect(run.stdout + run.stderr).not.toContain('hostile-value')
    } finally {
      dir.remove()
    }
  })

  it("CircleCI's $BASH_ENV is not appended to", async () => {
    t.fake.kv2('secret', 'app', hostile(['bash_env']))
    const dir = tempDir()
    try {
      const bashEnv = dir.file('bash_env')
      writeFileSync(bashEnv, 'export EXISTING=1\n', { mode: 0o600 })
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app *'], {
        CIRCLECI: 'true',
        BASH_ENV: bashEnv,
        VAULT_ADDR: t.fake.url,
      })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('the key "bash_env" would set BASH_ENV')
      expect(readFileSync(bashEnv, 'utf8')).toBe('export EXISTING=1\n')
      expect(lstatSync(bashEnv).mode & 0o777).toBe(0o600)
    } finally {
      dir.remove()
    }
  })

  it('outputs do not exist in the CLI: two wildcards with a key in common but different env names are fine', async () => {
    t.fake.kv2('secret', 'app', { password: 'pw-one-zz' })
    t.fake.kv2('secret', 'other', { password: 'pw-two-zz' })
    const run = await cli(
      ['export', '--token', 'hvs.t', '--secrets', 'secret/app * ; secret/other **', '--output', '-', '--format', 'json'],
      { VAULT_ADDR: t.fake.url },
    )
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ PASSWORD: 'pw-one-zz', password: 'pw-two-zz' })
  })

  it('--output FILE is not written', async () => {
    t.fake.kv2('secret', 'app', hostile(['ld_library_path']))
    const dir = tempDir()
    try {
      const out = dir.file('vars.sh')
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app *', '--output', out], { VAULT_ADDR: t.fake.url })
      expect(run.code).toBe(1)
      expect(existsSync(out)).toBe(false)
      expect(run.stderr).toContain('would set LD_LIBRARY_PATH')
    } finally {
      dir.remove()
    }
  })
})
