import { readFileSync } from 'node:fs'
import { packageVersion, runCli } from './cli/main.js'
import { errorMessage } from './lib/errors.js'

/** A failure outside the CLI's own error handling: one clear error on stderr and exit 1. */
function fail(err: unknown): void {
  process.stderr.write(`vault-oidc: error: unexpected failure: ${errorMessage(err)}\n`)
  if (process.env.SHOW_STACK_TRACE === 'true' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
  process.exit(1)
}
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: async () => readFileSync(0, 'utf8'),
  version: packageVersion(process.argv[1]),
}).then((code) => {
  process.exitCode = code
  // stopped by a signal (or a child that was): leave now, whatever the stopped run still has in flight
  if (code > 128) process.exit(code)
}, fail)
