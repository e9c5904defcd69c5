/**
 * Runs a CI's own helper (`circleci`, `buildkite-agent`) without a shell. Secrets travel on stdin or stdout only,
 * never on the command line.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export interface CommandResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** What is kept of a helper's stdout and of its stderr (each). */
const MAX_COMMAND_OUTPUT = 1024 * 1024

export function runCommand(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    // a token is a few KiB: a helper that prints without end must not fill memory
    child.stdout.on('data', (chunk: Buffer) => void (stdout.length < MAX_COMMAND_OUTPUT ? (stdout += chunk.toString()) : undefined))
    child.stderr.on('data', (chunk: Buffer) => void (stderr.length < MAX_COMMAND_OUTPUT ? (stderr += chunk.toString()) : undefined))
    // on timeout: kill it and answer at once (a grandchild that inherited the pipes could keep them open for long)
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      child.stdout.destroy()
      child.stderr.destroy()
      resolve({ code: null, stdout, stderr })
    }, options.timeoutMs ?? 60_000)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
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
