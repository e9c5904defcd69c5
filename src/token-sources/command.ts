/** A JWT printed by a CI's own helper command; its stderr is quoted in errors with anything JWT-shaped cut out. */
import type { TokenSource } from '../core/ports.js'
import { DeadlineError, VaultOidcError } from '../lib/errors.js'
import { actionInputName } from '../lib/input-names.js'
import { runCommand, type CommandResult } from '../lib/process.js'
import { untrusted } from '../lib/untrusted.js'

/** stderr for an error message: last lines, JWT-shaped strings removed. */
export function quoteStderr(stderr: string): string {
  // one character class, so no backtracking (linear): a run of base64url and dots that starts like a JWT is cut out
  // whether or not it has both dots
  const text = stderr.replace(/eyJ[A-Za-z0-9_.-]*/g, '[jwt]').trim()
  return text === '' ? '' : `: ${untrusted(text.split('\n').slice(-3).join(' / ').slice(0, 400))}`
}

/** A JWT printed on stdout by a command (`buildkite-agent oidc request-token`, `circleci run oidc get`). */
export function commandTokenSource(
  description: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  hint: string,
): TokenSource {
  return {
    description,
    async fetch(o) {
      let result: CommandResult
      // the helper gets at most 60 s, and no more than what is left of the run's overall timeout
      const timeoutMs = Math.max(1, Math.min(60_000, (o?.deadline ?? Infinity) - Date.now()))
      try {
        result = await runCommand(command, args, { env, timeoutMs })
      } catch (err) {
        throw new VaultOidcError(
          `cannot run "${command}" for the ${description}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. ${hint}`,
        )
      }
      const jwt = result.stdout.trim()
      if (result.code === null && o?.deadline !== undefined && Date.now() >= o.deadline) {
        throw new DeadlineError(
          `the ${description} ("${command} ${args.slice(0, 3).join(' ')}") was not ready when the overall timeout passed; raise "${(o?.inputName ?? actionInputName)('timeout')}" or check why it hangs`,
        )
      }
      if (result.code !== 0 || jwt === '') {
        throw new VaultOidcError(
          `"${command} ${args.slice(0, 3).join(' ')}" failed (exit ${result.code ?? 'signal'})${quoteStderr(result.stderr)}. ${hint}`,
        )
      }
      return jwt
    },
  }
}
