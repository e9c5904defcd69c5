/* global fetch */ // Node >= 18
// Starts `vault server -dev` (root token "root", 127.0.0.1:8200) detached from this step, so later steps can use it,
// and waits until it answers. Its log goes to $RUNNER_TEMP/vault-dev.log.
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const logFile = join(process.env.RUNNER_TEMP ?? '.', 'vault-dev.log')
const log = openSync(logFile, 'a')
const child = spawn('vault', ['server', '-dev', '-dev-root-token-id=root', '-dev-listen-address=127.0.0.1:8200'], {
  detached: true,
  stdio: ['ignore', log, log],
})
child.on('error', (err) => {
  console.error(`cannot start vault: ${err.message}`)
  process.exit(1)
})
child.unref()
for (let i = 0; i < 60; i++) {
  try {
    const res = await fetch('http://127.0.0.1:8200/v1/sys/health')
    if (res.ok) {
      process.stdout.write(`Vault dev server up on http://127.0.0.1:8200 (pid ${child.pid}, log ${logFile})\n`)
      process.exit(0)
    }
  } catch {
    // not listening yet
  }
  await sleep(1000)
}
console.error(`the Vault dev server did not answer within 60 s; see ${logFile}`)
process.exit(1)
