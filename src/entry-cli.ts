import { readFileSync } from 'node:fs'
import { packageVersion, runCli } from './cli/main.js'

void runCli({
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
})
