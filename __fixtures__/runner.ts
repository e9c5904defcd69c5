/**
 * Runs a built bundle (dist/main.cjs, dist/post.cjs, dist/cli.cjs) the way a GitHub runner does: inputs as
 * INPUT_<NAME> env, GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, STATE_<name> env for
 * the post step. Returns what the runner would see, parsed. The demo and the benchmark load it too, through
 * scripts/lib/fixtures.mjs (which bundles it into .tmp/, one level below the root like this file).
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist')

export interface RunnerResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** GITHUB_ENV, parsed. */
  readonly env: Record<string, string>
  /** GITHUB_OUTPUT, parsed. */
  readonly outputs: Record<string, string>
  /** GITHUB_STATE, parsed (pass it to the post step). */
  readonly state: Record<string, string>
  readonly summary: string
  /** Values registered with ::add-mask:: on stdout or stderr (unescaped). */
  readonly masks: string[]
  /** stdout without the ::add-mask:: commands: what could end up in the log. */
  readonly log: string
  /** stderr without the ::add-mask:: commands. */
  readonly errLog: string
  /** ms from spawn to exit */
  readonly elapsedMs: number
}

export interface RunOptions {
  readonly inputs?: Record<string, string>
  readonly env?: Record<string, string | undefined>
  /** GITHUB_STATE of the main step, handed to the post step as STATE_<name>. */
  readonly state?: Record<string, string>
  readonly timeoutMs?: number
}

/** Runner temp dirs in use, removed on exit too (Ctrl-C in the demo). */
const liveDirs = new Set<string>()
let exitHooked = false

export async function runBundle(entry: 'main' | 'post' | 'cli', o: RunOptions = {}, args: string[] = []): Promise<RunnerResult> {
  if (!exitHooked) {
    exitHooked = true
    process.on('exit', () => liveDirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
  }
  const dir = await mkdtemp(join(tmpdir(), 'vault-oidc-runner-'))
  liveDirs.add(dir)
  try {
    const files = {
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    }
    for (const f of Object.values(files)) await writeFile(f, '')
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_|ACTIONS_|RUNNER_|VAULT_|BAO_|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)/.test(k))
        env[k] = v
    Object.assign(env, { GITHUB_ACTIONS: 'true', RUNNER_TEMP: dir, ...files })
    for (const [k, v] of Object.entries(o.inputs ?? {})) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
    for (const [k, v] of Object.entries(o.state ?? {})) env[`STATE_${k}`] = v
    for (const [k, v] of Object.entries(o.env ?? {})) {
      if (v === undefined) delete env[k]
      else env[k] = v
    }
    const started = Date.now()
    const child = spawn(process.execPath, [join(DIST, `${entry}.cjs`), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000)
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
    clearTimeout(timer)
    const elapsedMs = Date.now() - started
    return {
      code,
      stdout,
      stderr,
      env: parseFileCommand(await readFile(files.GITHUB_ENV, 'utf8')),
      outputs: parseFileCommand(await readFile(files.GITHUB_OUTPUT, 'utf8')),
      state: parseFileCommand(await readFile(files.GITHUB_STATE, 'utf8')),
      summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
      // the runner takes workflow commands from both streams (actions/runner ScriptHandler: an OutputManager each)
      masks: [...`${stdout}\n${stderr}`.matchAll(/^::add-mask::(.*)$/gm)].map((m) => unescapeCommand(m[1] ?? '')),
      log: withoutMasks(stdout),
      errLog: withoutMasks(stderr),
      elapsedMs,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
    liveDirs.delete(dir)
  }
}

const withoutMasks = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')

/** The runner's file-command format: NAME=value lines, or NAME<<DELIM / value lines / DELIM. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  // the Linux runner splits on LF only: a CR stays part of the value (actions/runner EnvFileKeyValuePairs.ReadLine)
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name = '', delim] = heredoc
      const value: string[] = []
      i++
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++] ?? '')
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name}`)
      out[name] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq < 0) throw new Error(`bad file-command line: ${line}`)
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

/** Reverses @actions/core's command escaping (%25, %0D, %0A). */
export function unescapeCommand(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** What the runner prints for a log: every registered mask replaced by ***, longest first (like the runner). */
export function applyMasks(text: string, masks: readonly string[]): string {
  let out = text
  for (const m of [...new Set(masks)].filter((s) => s !== '').sort((a, b) => b.length - a.length)) out = out.split(m).join('***')
  return out
}

/** Every value, and every line of it longer than `minLength`, that appears in `text` unmasked. */
export function leaks(text: string, values: readonly string[], minLength = 4): string[] {
  const found: string[] = []
  for (const v of values) {
    const pieces = [v, ...v.split(/\r?\n/)].filter((p) => p.trim().length >= minLength)
    for (const p of pieces) if (text.includes(p)) found.push(p)
  }
  return found
}
