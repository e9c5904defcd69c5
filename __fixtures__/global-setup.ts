/**
 * Runs once before the suite: finds or builds the Vault-API server (scripts/vault-server.sh) and hands its path
 * to the test workers as VAULT_TEST_SERVER_BIN. A failure here fails the run: the real-server tier never skips.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

export default function globalSetup(): void {
  if (process.env.VAULT_TEST_SERVER_BIN) return
  const script = resolve(process.cwd(), 'scripts', 'vault-server.sh')
  const bin = execFileSync('bash', [script, 'vault'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  process.env.VAULT_TEST_SERVER_BIN = bin
}
