/**
 * A real Vault-API server (OpenBao or Vault, see scripts/vault-server.sh) in dev mode on a random loopback port,
 * configured through its HTTP API, and always stopped (after the tests, on Ctrl-C, on exit).
 * The implementation is plain ESM in scripts/lib/vault-dev-server.mjs, shared with the demo (scripts/demo.mjs).
 */
export { freePort, freePortPair, serverBinary, startVaultServer } from '../scripts/lib/vault-dev-server.mjs'
export type { VaultServer } from '../scripts/lib/vault-dev-server.mjs'

export type ServerKind = 'openbao' | 'vault'

/**
 * The server of the running real-server Jest project ("openbao" or "vault", see jest.config.js). Every test name in
 * that tier includes it (`describe(\`${SERVER}: ...\`)`), so a failure says which server it was; the projects'
 * setup refuses a test that does not. Outside those projects it is "none".
 */
export const SERVER: ServerKind | 'none' = process.env.VAULT_TEST_SERVER === 'openbao' || process.env.VAULT_TEST_SERVER === 'vault' ? process.env.VAULT_TEST_SERVER : 'none'

/** Picks what the running server does where OpenBao and Vault differ, so each test states both explicitly. */
export function onServer<T>(per: Record<ServerKind, T>): T {
  if (SERVER === 'none') throw new Error('onServer() is for the real-server projects (openbao, vault) only')
  return per[SERVER]
}
