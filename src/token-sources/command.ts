/**
 * Runs a CI's own helper (`circleci`, `buildkite-agent`) without a shell. Secrets travel on stdin or stdout only,
 * never on the command line; stderr is quoted in errors with anything JWT-shaped cut out.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { DeadlineError, VaultOidcError } from '../core/errors.js'
import { inputName } from '../core/input-names.js'
import { untrusted } from '../core/untrusted.js'
import type { TokenSource } from './types.js'

export interface CommandResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** What is kept of a helper's stdout and of its stderr (each). */
const MAX_COMMAND_OUTPUT = 1024 * 1024

export function runCommand(command: string, args: readonly string[], o: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: o.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    // a token is a few KiB: a helper that prints without end must not fill memory
    child.stdout.on('data', (d: Buffer) => void (stdout.length < MAX_COMMAND_OUTPUT ? (stdout += d.toString()) : undefined))
    child.stderr.on('data', (d: Buffer) => void (stderr.length < MAX_COMMAND_OUTPUT ? (stderr += d.toString()) : undefined))
    // on timeout: kill it and answer at once (a grandchild that inherited the pipes could keep them open for long)
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      child.stdout.destroy()
      child.stderr.destroy()
      resolve({ code: null, stdout, stderr })
    }, o.timeoutMs ?? 60_000)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(o.input ?? '')
  })
}

/** The path of an executable on PATH, or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/** stderr for an error message: last lines, JWT-shaped strings removed. */
export function quoteStderr(stderr: string): string {
  // one character class, so no backtracking (linear): a run of base64url and dots that starts like a JWT is cut out
  // whether or not it has both dots
  const text = stderr.replace(/eyJ[A-Za-z0-9_.-]*/g, '[jwt]').trim()
  return text === '' ? '' : `: ${untrusted(text.split('\n').slice(-3).join(' / ').slice(0, 400))}`
}

/** A JWT printed on stdout by a command (`buildkite-agent oidc request-token`, `circleci run oidc get`). */
export function commandTokenSource(description: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, hint: string): TokenSource {
  return {
    description,
    async fetch(o) {
      let result: CommandResult
      // the helper gets at most 60 s, and no more than what is left of the run's overall timeout
      const timeoutMs = Math.max(1, Math.min(60_000, (o?.deadline ?? Infinity) - Date.now()))
      try {
        result = await runCommand(command, args, { env, timeoutMs })
      } catch (err) {
        throw new VaultOidcError(`cannot run "${command}" for the ${description}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. ${hint}`)
      }
      const jwt = result.stdout.trim()
      if (result.code === null && o?.deadline !== undefined && Date.now() >= o.deadline) {
        throw new DeadlineError(`the ${description} ("${command} ${args.slice(0, 3).join(' ')}") was not ready when the overall timeout passed; raise "${inputName('timeout')}" or check why it hangs`)
      }
      if (result.code !== 0 || jwt === '') {
        throw new VaultOidcError(`"${command} ${args.slice(0, 3).join(' ')}" failed (exit ${result.code ?? 'signal'})${quoteStderr(result.stderr)}. ${hint}`)
      }
      return jwt
    },
  }
}
