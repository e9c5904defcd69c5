/** A JWT printed by a CI's own helper command; its stderr is quoted in errors with anything JWT-shaped cut out. */
import type { TokenSource } from '../core/ports.js'
import { VaultOidcError } from '../lib/errors.js'
import { runCommand, type CommandResult } from '../lib/process.js'

/** stderr for an error message: last lines, JWT-shaped strings removed. */
function quoteStderr(stderr: string): string {
  const text = stderr.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, '[jwt]').trim()
  return text === '' ? '' : `: ${text.split('\n').slice(-3).join(' / ').slice(0, 400)}`
}

/** A JWT printed on stdout by a command (`buildkite-agent oidc request-token`, `circleci run oidc get`). */
export function commandTokenSource(description: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, hint: string): TokenSource {
  return {
    description,
    async fetch() {
      let result: CommandResult
      try {
        result = await runCommand(command, args, { env })
      } catch (err) {
        throw new VaultOidcError(`cannot run "${command}" for the ${description}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. ${hint}`)
      }
      const jwt = result.stdout.trim()
      if (result.code !== 0 || jwt === '') {
        throw new VaultOidcError(`"${command} ${args.slice(0, 3).join(' ')}" failed (exit ${result.code ?? 'signal'})${quoteStderr(result.stderr)}. ${hint}`)
      }
      return jwt
    },
  }
}
