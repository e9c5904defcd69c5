/**
 * The CircleCI orb and the GitLab template: valid YAML of the expected shape, and their scripts really work — run
 * in bash with the platform's variables, `npx` faked to start dist/cli.cjs, against a loopback fake Vault.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { DIST } from '../../__fixtures__/runner.js'
import { cleanEnv, useLoopback } from './helpers.js'

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown }
const ROOT = join(DIST, '..')
/** bash in a child process without blocking this one (the fake Vault answers from here). */
const bash = async (script: string, env: Record<string, string>): Promise<string> => (await promisify(execFile)('bash', ['-c', `exec </dev/null\n${script}`], { env, encoding: 'utf8' })).stdout
const VALUE = `p@ss 'w"o$rd\`\nline 2`

interface OrbCommand {
  parameters: Record<string, { type: string; default?: unknown }>
  steps: Array<{ run: { environment: Record<string, string>; command: string } }>
}


const loop = useLoopback({ db_password: VALUE })
beforeAll(() => {
  // npx, faked: check that it runs our package, then start the CLI from dist with the arguments after the bin name
  loop.dir.fakeExecutable('npx', `[ "$1 $2" = "--yes --package" ] || exit 90\nwhile [ "$1" != vault-oidc ]; do shift; done; shift\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(DIST, 'cli.cjs'))} "$@"`)
})

describe('CircleCI orb (orb/orb.yml)', () => {
  const orb = yaml.load(readFileSync(join(ROOT, 'orb', 'orb.yml'), 'utf8')) as { version: number; commands: Record<string, OrbCommand> }
  const command = orb.commands['load-secrets'] as OrbCommand

  it('is an orb with a load-secrets command whose parameters mirror the main flags, each one used', () => {
    expect(orb.version).toBe(2.1)
    expect(Object.keys(command.parameters)).toEqual(expect.arrayContaining(['url', 'secrets', 'role', 'method', 'path', 'audience', 'namespace', 'ca-certificate', 'export-token', 'ignore-not-found', 'version']))
    const used = JSON.stringify(command.steps)
    for (const name of Object.keys(command.parameters)) expect(used).toContain(`<< parameters.${name} >>`)
    expect([...used.matchAll(/<< parameters\.([a-z-]+) >>/g)].map((m) => m[1]).filter((p) => !(p! in command.parameters))).toEqual([])
  })

  it('its step logs in with `circleci run oidc get` for the audience and appends the secret to $BASH_ENV', async () => {
    const token = await loop.issuer.mint({ audience: 'https://vault.example.com' })
    loop.dir.fakeExecutable('circleci', `printf %s ${JSON.stringify(token)}`)
    const params: Record<string, string> = { role: 'ci', audience: 'https://vault.example.com', secrets: 'secret/app db_password | DB_PASSWORD' }
    const run = command.steps[0]!.run
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(run.environment)) {
      const name = /<< parameters\.([a-z-]+) >>/.exec(v)![1]!
      env[k] = params[name] ?? String(command.parameters[name]!.default ?? '')
    }
    const bashEnv = loop.dir.file('bash_env')
    await bash(run.command, cleanEnv({ ...env, CIRCLECI: 'true', BASH_ENV: bashEnv, VAULT_ADDR: loop.vault.url, PATH: `${loop.dir.path}:${process.env.PATH}` }))
    expect(loop.dir.args('circleci').at(-1)).toEqual(['run', 'oidc', 'get', '--claims', '{"aud":"https://vault.example.com"}'])
    expect(execFileSync('bash', ['-c', `. "$1"; printf %s "$DB_PASSWORD"`, 'bash', bashEnv], { encoding: 'utf8', input: '' }) === VALUE).toBe(true)
  })
})

describe('GitLab template (templates/gitlab-vault-oidc.yml)', () => {
  const template = yaml.load(readFileSync(join(ROOT, 'templates', 'gitlab-vault-oidc.yml'), 'utf8')) as Record<string, { id_tokens: Record<string, { aud: string }>; variables: Record<string, string>; before_script: string[] }>
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
      cleanEnv({ ...job.variables, GITLAB_CI: 'true', TMPDIR: tmp, VAULT_ID_TOKEN: token, VAULT_ADDR: loop.vault.url, VAULT_AUTH_ROLE: 'ci', VAULT_OIDC_SECRETS: 'secret/app db_password | DB_PASSWORD', PATH: `${loop.dir.path}:${process.env.PATH}` }),
    )
    expect(out === VALUE).toBe(true)
    expect(readdirSync(tmp)).toEqual([])
    const login = loop.vault.requests.filter((r) => r.path === '/v1/auth/jwt/login').at(-1)
    expect(login?.body).toEqual({ jwt: token, role: 'ci' })
  })
})
