/**
 * What ships: the npm package (packed, installed alone without a registry, run against the real dev server), the
 * CircleCI orb, the GitLab template and the GitLab CI/CD component — valid YAML of the expected shape whose scripts
 * really work: run in the shell the platform uses, with its variables, `npx` faked to start dist/cli.cjs, against a
 * loopback fake Vault.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DIST } from '../../__fixtures__/runner.js'
import { cleanEnv, useLoopback } from './helpers.js'

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown; loadAll(text: string): unknown[] }
const ROOT = join(DIST, '..')
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string }
/** A shell script in a child process without blocking this one (the fake Vault answers from here). */
const shell = async (sh: string, script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> =>
  await promisify(execFile)(sh, ['-c', `exec </dev/null\n${script}`], { env, encoding: 'utf8' })
const bash = async (script: string, env: Record<string, string>): Promise<string> => (await shell('bash', script, env)).stdout
const VALUE = `p@ss 'w"o$rd\`\nline 2`

interface OrbCommand {
  parameters: Record<string, { type: string; default?: unknown }>
  steps: Array<{ run: { environment: Record<string, string>; command: string } }>
}

const loop = useLoopback({ db_password: VALUE })
beforeAll(() => {
  // npx, faked: check that it runs our package, then start the CLI from dist with the arguments after the bin name
  loop.dir.fakeExecutable(
    'npx',
    `[ "$1 $2" = "--yes --package" ] || exit 90\nwhile [ "$1" != vault-oidc ]; do shift; done; shift\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(DIST, 'cli.cjs'))} "$@"`,
  )
})

describe('CircleCI orb (orb/orb.yml)', () => {
  const orb = yaml.load(readFileSync(join(ROOT, 'orb', 'orb.yml'), 'utf8')) as { version: number; commands: Record<string, OrbCommand> }
  const command = orb.commands['load-secrets'] as OrbCommand

  it('is an orb with a load-secrets command whose parameters mirror the main flags, each one used', () => {
    expect(orb.version).toBe(2.1)
    expect(Object.keys(command.parameters)).toEqual(
      expect.arrayContaining([
        'url',
        'secrets',
        'role',
        'method',
        'path',
        'audience',
        'namespace',
        'ca-certificate',
        'export-token',
        'ignore-not-found',
        'version',
      ]),
    )
    const used = JSON.stringify(command.steps)
    for (const name of Object.keys(command.parameters)) expect(used).toContain(`<< parameters.${name} >>`)
    expect([...used.matchAll(/<< parameters\.([a-z-]+) >>/g)].map((m) => m[1]).filter((p) => !(p! in command.parameters))).toEqual([])
  })

  /** The step's environment with these parameters (the rest at their defaults), as CircleCI renders it. */
  const stepEnv = (params: Record<string, string>): Record<string, string> => {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(command.steps[0]!.run.environment)) {
      const name = /<< parameters\.([a-z-]+) >>/.exec(v)![1]!
      env[k] = params[name] ?? String(command.parameters[name]!.default ?? '')
    }
    return env
  }

  it('its step (POSIX sh, as CircleCI runs it on any image) logs in with `circleci run oidc get` for the audience and appends the secret to $BASH_ENV', async () => {
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    loop.dir.fakeExecutable('circleci', `printf %s ${JSON.stringify(token)}`)
    const env = stepEnv({ role: 'ci', audience: 'https://vault.example.com', secrets: 'secret/app db_password | DB_PASSWORD' })
    const bashEnv = loop.dir.file('bash_env')
    const run = await shell(
      '/bin/sh',
      command.steps[0]!.run.command,
      cleanEnv({ ...env, CIRCLECI: 'true', BASH_ENV: bashEnv, VAULT_ADDR: loop.vault.url, PATH: `${loop.dir.path}:${process.env.PATH}` }),
    )
    expect(loop.dir.args('circleci').at(-1)).toEqual(['run', 'oidc', 'get', '--claims', '{"aud":"https://vault.example.com"}'])
    expect(loop.dir.args('npx').at(-1)?.slice(0, 3)).toEqual(['--yes', '--package', `vault-oidc-action@${PKG.version}`])
    expect(
      execFileSync('bash', ['-c', `. "$1"; printf %s "$DB_PASSWORD"`, 'bash', bashEnv], { encoding: 'utf8', input: '' }) === VALUE,
    ).toBe(true)
    // CircleCI has no step outputs: the log counts only what happened
    expect(run.stderr).toContain('vault-oidc: exported 1 environment variable(s) from 1 source(s)')
    expect(run.stderr).not.toContain('output(s)')
  })

  it('on an image without bash the step stops with a message that says so, before anything runs', async () => {
    const noBash = mkdtempSync(join(tmpdir(), 'no-bash-'))
    try {
      const env = stepEnv({ role: 'ci', secrets: 'secret/app db_password' })
      const failed = shell('/bin/sh', command.steps[0]!.run.command, {
        ...env,
        CIRCLECI: 'true',
        BASH_ENV: join(noBash, 'bash_env'),
        PATH: noBash,
      })
      await expect(failed).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          `vault-oidc/load-secrets: this executor has no bash. CircleCI hands variables to later steps through $BASH_ENV, which only bash reads: use an image with bash (e.g. cimg/node), or run 'npx --yes --package vault-oidc-action@${PKG.version} vault-oidc exec -- CMD'`,
        ),
      })
      expect(readdirSync(noBash)).toEqual([])
    } finally {
      rmSync(noBash, { recursive: true, force: true })
    }
  })

  it('runs the exact package version it documents by default, and says what the executor needs', () => {
    expect(command.parameters.version!.default).toBe(PKG.version)
    expect((orb as unknown as { description: string }).description).toMatch(/needs Node\.js >= 20\.19 with npx, and bash/)
  })
})

describe('GitLab template (templates/gitlab-vault-oidc.yml)', () => {
  const template = yaml.load(readFileSync(join(ROOT, 'templates', 'gitlab-vault-oidc.yml'), 'utf8')) as Record<
    string,
    { id_tokens: Record<string, { aud: string }>; variables: Record<string, string>; before_script: string[] }
  >
  const job = template['.vault-oidc']!

  it('is a hidden job that declares the ID token', () => {
    expect(Object.keys(template)).toEqual(['.vault-oidc'])
    expect(job.id_tokens).toEqual({ VAULT_ID_TOKEN: { aud: '$VAULT_ADDR' } })
  })

  it('its before_script puts the secret into the job shell and leaves no file behind', async () => {
    const tmp = loop.dir.file('tmp')
    mkdirSync(tmp)
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    const script = ['set -e', ...job.before_script, 'printf %s "$DB_PASSWORD"'].join('\n')
    const out = await bash(
      script,
      cleanEnv({
        ...job.variables,
        GITLAB_CI: 'true',
        TMPDIR: tmp,
        VAULT_ID_TOKEN: token,
        VAULT_ADDR: loop.vault.url,
        VAULT_AUTH_ROLE: 'ci',
        VAULT_OIDC_SECRETS: 'secret/app db_password | DB_PASSWORD',
        PATH: `${loop.dir.path}:${process.env.PATH}`,
      }),
    )
    expect(out === VALUE).toBe(true)
    expect(readdirSync(tmp)).toEqual([])
    const login = loop.vault.requests.filter((r) => r.path === '/v1/auth/jwt/login').at(-1)
    expect(login?.body).toEqual({ jwt: token, role: 'ci' })
  })

  it('runs the exact package version it documents by default', () => {
    expect(job.variables.VAULT_OIDC_VERSION).toBe(PKG.version)
  })
})

describe('GitLab CI/CD component (templates/vault-oidc.yml)', () => {
  const [header, body] = yaml.loadAll(readFileSync(join(ROOT, 'templates', 'vault-oidc.yml'), 'utf8')) as [
    { spec: { inputs: Record<string, { type?: string; default?: unknown; description: string }> } },
    Record<string, unknown>,
  ]
  const inputs = header.spec.inputs

  /** What GitLab does with `include: component … inputs:`: every $[[ inputs.x ]] in keys and values, replaced. */
  function interpolate(
    given: Record<string, string | boolean>,
  ): Record<string, { id_tokens: Record<string, { aud: string }>; variables: Record<string, string>; before_script: string[] }> {
    const value = (name: string): string => {
      if (!(name in inputs)) throw new Error(`$[[ inputs.${name} ]] is not a declared input`)
      const v = given[name] ?? inputs[name]!.default
      if (v === undefined) throw new Error(`input ${name} is required`)
      return String(v)
    }
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') return node.replace(/\$\[\[ inputs\.([a-z-]+) \]\]/g, (_, name: string) => value(name))
      if (Array.isArray(node)) return node.map(walk)
      if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [walk(k), walk(v)]))
      return node
    }
    return walk(body) as ReturnType<typeof interpolate>
  }

  it('declares typed inputs (url and secrets required), each used, none used undeclared', () => {
    expect(Object.keys(inputs).sort()).toEqual([
      'audience',
      'auth-path',
      'ignore-not-found',
      'name',
      'namespace',
      'role',
      'secrets',
      'url',
      'version',
    ])
    for (const [name, input] of Object.entries(inputs)) {
      expect({ name, type: input.type }).toEqual({ name, type: name === 'ignore-not-found' ? 'boolean' : 'string' })
      expect({ name, required: input.default === undefined }).toEqual({ name, required: name === 'url' || name === 'secrets' })
      expect(input.description.length).toBeGreaterThan(10)
    }
    const used = new Set([...JSON.stringify(body).matchAll(/\$\[\[ inputs\.([a-z-]+) \]\]/g)].map((m) => m[1]))
    expect([...used].sort()).toEqual(Object.keys(inputs).sort())
    expect(inputs.version!.default).toBe(PKG.version)
  })

  it('included with inputs, its hidden job declares the ID token and its before_script puts the secret into the job shell', async () => {
    const tmp = loop.dir.file('tmp-component')
    mkdirSync(tmp)
    const secrets = 'secret/app db_password | DB_PASSWORD; secret/missing k | NOPE'
    const jobs = interpolate({ name: '.deploy-secrets', url: loop.vault.url, role: 'ci', secrets, 'ignore-not-found': true })
    expect(Object.keys(jobs)).toEqual(['.deploy-secrets'])
    const job = jobs['.deploy-secrets']!
    // the audience defaults to the url (GitLab expands $VAULT_OIDC_URL from the job's variables)
    expect(job.id_tokens).toEqual({ VAULT_OIDC_ID_TOKEN: { aud: '$VAULT_OIDC_URL' } })
    expect(job.variables).toEqual({
      VAULT_OIDC_URL: loop.vault.url,
      VAULT_OIDC_ROLE: 'ci',
      VAULT_OIDC_SECRETS: secrets,
      VAULT_OIDC_AUTH_PATH: 'jwt',
      VAULT_OIDC_NAMESPACE: '',
      VAULT_OIDC_VERSION: PKG.version,
    })
    const token = await loop.issuer.mint({ audience: loop.vault.url })
    const script = ['set -e', ...job.before_script, 'printf %s "$DB_PASSWORD"'].join('\n')
    const run = await shell(
      '/bin/sh',
      script,
      cleanEnv({
        ...job.variables,
        GITLAB_CI: 'true',
        TMPDIR: tmp,
        VAULT_OIDC_ID_TOKEN: token,
        PATH: `${loop.dir.path}:${process.env.PATH}`,
      }),
    )
    expect(run.stdout === VALUE).toBe(true)
    expect(readdirSync(tmp)).toEqual([])
    expect(loop.dir.args('npx').at(-1)?.slice(0, 3)).toEqual(['--yes', '--package', `vault-oidc-action@${PKG.version}`])
    const login = loop.vault.requests.filter((r) => r.path === '/v1/auth/jwt/login').at(-1)
    expect(login?.body).toEqual({ jwt: token, role: 'ci' })
    // GitLab has no step outputs: the log counts only what happened
    expect(run.stderr).toContain('vault-oidc: exported 1 environment variable(s) from 1 source(s)')
    expect(run.stderr).not.toContain('output(s)')
  })
})
