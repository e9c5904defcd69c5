/**
 * A real Vault-API server (OpenBao or Vault, see scripts/vault-server.sh) in dev mode on a random loopback port,
 * configured through its HTTP API, and always stopped (after the tests, on Ctrl-C, on exit).
 * The implementation is plain ESM in scripts/lib/vault-dev-server.mjs, shared with the demo (scripts/demo.mjs).
 */
export { freePort, freePortPair, serverBinary, startVaultServer } from '../scripts/lib/vault-dev-server.mjs'
export type { VaultServer } from '../scripts/lib/vault-dev-server.mjs'
