/**
 * Shared by the CLI tests: run the CLI in-process (runCli with an injected env) or as dist/cli.cjs (a real process,
 * with stdin and signals), fake CI helper executables that record their arguments, values that are hard to quote,
 * and readers that parse sink files back the way their consumers do (bash, python-dotenv, JSON).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from '@jest/globals'
import { runCli } from '../../src/cli/main.js'
import { startFakeVault, type FakeVault } from '../../__fixtures__/fake-vault.js'
import { startOidcIssuer, type OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { DIST } from '../../__fixtures__/runner.js'

/** Values that break naive quoting: quotes of every kind, $, backticks, backslashes, newlines, CR, unicode, 64 KB. */
export const NASTY: Record<string, string> = {
  QUOTES: `it's "double" and 'single' and \`back\` ticks`,
  DOLLAR: '$HOME ${PATH} $(whoami) `id` \\$ \\n not-a-newline',
  MULTI: 'line one\nline two\n\n  indented line\n',
  CRLF: 'windows\r\nline\rbreaks',
  UNICODE: 'ünïcødé ✓ 🚀 日本語 \u2028 sep',
  SPACES: '  leading and trailing  ',
  BACKSLASH: 'C:\\path\\to\\\'file\\ and \\" \\\\ \\n',
  EQUALS: 'a=b=c # not a comment',
  BIG: 'x'.repeat(30_000) + '\n' + 'ÿ'.repeat(17_000) + '\'"$`\\' + 'end',
}

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The CLI in this process: env is exactly `env` (nothing inherited but PATH and HOME). */
export async function cli(argv: readonly string[], env: Record<string, string | undefined>, stdin = ''): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli({
    argv,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => stdin,
    version: 'test',
  })
  return { code, stdout, stderr }
}

/** Env for a dist run: the test process's env without CI/Vault variables, plus `env`. */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !/^(GITHUB_|ACTIONS_|RUNNER_|VAULT_|BAO_|CI|GITLAB|CIRCLE|BUILDKITE|SEMAPHORE|BITBUCKET|TF_BUILD|SYSTEM_|BASH_ENV|KUBERNETES_|HTTPS?_PROXY|https?_proxy)/.test(
        k,
      )
    )
      out[k] = v
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}

/** Starts dist/cli.cjs; `result` resolves when it exits. */
export function startBundle(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  stdin = '',
): { child: ChildProcess; result: Promise<CliRun> } {
  const child = spawn(process.execPath, [join(DIST, 'cli.cjs'), ...argv], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin?.end(stdin)
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const result = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr })
    }),
  )
  return { child, result }
}

export function runBundleCli(argv: readonly string[], env: Record<string, string | undefined>, stdin = ''): Promise<CliRun> {
  return startBundle(argv, env, stdin).result
}

export interface TempDir {
  readonly path: string
  file(name: string): string
  /** A fake executable `name` that appends each argument (one per line) to `<name>.args`, saves stdin to `<name>.stdin`, then runs `body`. */
  fakeExecutable(name: string, body: string): void
  args(name: string): string[][]
  remove(): void
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'vault-oidc-cli-'))
  return {
    path,
    file: (name) => join(path, name),
    fakeExecutable(name, body) {
      const script = join(path, name)
      writeFileSync(
        script,
        `#!/usr/bin/env bash\n{ printf '%s\\0' "$@"; printf '\\n'; } >> ${JSON.stringify(join(path, `${name}.args`))}\ncat > ${JSON.stringify(join(path, `${name}.stdin`))}\n${body}\n`,
      )
      chmodSync(script, 0o755)
    },
    args(name) {
      let text = ''
      try {
        text = readFileSync(join(path, `${name}.args`), 'utf8')
      } catch {
        return []
      }
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\0').slice(0, -1))
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  }
}

/** Reads `name` after `source FILE` in bash, byte for byte. */
export function bashRead(file: string, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of names)
    out[name] = execFileSync('bash', ['-c', `source "$1"; printf %s "\${${name}}"`, 'bash', file], {
      encoding: 'utf8',
      input: '',
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' },
    })
  return out
}

/** Parses a dotenv file with python-dotenv (dotenv_values, interpolation off as the README says), as JSON. */
export function pythonDotenv(file: string): Record<string, string> {
  const script =
    'import json,sys\nfrom dotenv import dotenv_values\nsys.stdout.write(json.dumps(dotenv_values(sys.argv[1], interpolate=False)))'
  return JSON.parse(execFileSync(dotenvPython(), ['-c', script, file], { encoding: 'utf8' })) as Record<string, string>
}

let dotenvPythonPath: string | undefined
/** The first python3 that can import python-dotenv (.ci/run installs Debian's python3-dotenv when none can). */
function dotenvPython(): string {
  if (dotenvPythonPath !== undefined) return dotenvPythonPath
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import dotenv'], { stdio: 'ignore' })
      return (dotenvPythonPath = candidate)
    } catch {
      // try the next one
    }
  }
  throw new Error('python-dotenv is needed to read dotenv files back: apt-get install python3-dotenv (or pip install python-dotenv)')
}

/** Names whose value differs (never prints the values: some are 64 KB). */
export function differing(got: Record<string, string | undefined>, expected: Record<string, string>): string[] {
  return [...new Set([...Object.keys(got), ...Object.keys(expected)])].filter((k) => got[k] !== expected[k])
}

export function mode(file: string): number {
  return statSync(file).mode & 0o777
}

export interface Loopback {
  readonly vault: FakeVault
  readonly issuer: OidcIssuer
  readonly dir: TempDir
}

/** Registers beforeAll/afterAll hooks: a fake Vault holding `secrets` at KV v2 secret/app, an OIDC issuer, a temp dir. */
export function useLoopback(secrets: Record<string, string>): Loopback {
  const l = {} as { vault: FakeVault; issuer: OidcIssuer; dir: TempDir }
  beforeAll(async () => {
    ;[l.vault, l.issuer] = await Promise.all([startFakeVault(), startOidcIssuer()])
    l.vault.kv2('secret', 'app', secrets)
    l.dir = tempDir()
  })
  afterAll(async () => {
    await Promise.all([l.vault?.close(), l.issuer?.close()])
    l.dir?.remove()
  })
  return l
}
