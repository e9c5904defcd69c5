/**
 * setupFilesAfterEnv of the real-server Jest projects (openbao, vault): every integration test file runs once per
 * server. This points startVaultServer() at the project's server (VAULT_TEST_SERVER_BIN, from the global setup)
 * and refuses a test whose name does not start with the server ("openbao: ", "vault: ") (see SERVER in __fixtures__/vault-server.ts).
 */
import { beforeEach, expect } from '@jest/globals'

const kind = (globalThis as { VAULT_TEST_SERVER?: unknown }).VAULT_TEST_SERVER
if (kind !== 'openbao' && kind !== 'vault')
  throw new Error(
    `jest.config.js: a real-server project needs globals.VAULT_TEST_SERVER = "openbao" or "vault", not ${JSON.stringify(kind)}`,
  )
const variable = `VAULT_TEST_${kind.toUpperCase()}_BIN`
const bin = process.env[variable]
if (!bin) throw new Error(`${variable} is not set: the ${kind} project's global setup (__fixtures__/global-setup-${kind}.mjs) did not run`)
process.env.VAULT_TEST_SERVER = kind
process.env.VAULT_TEST_SERVER_BIN = bin

beforeEach(() => {
  const name = expect.getState().currentTestName ?? ''
  if (!name.startsWith(`${kind}: `))
    throw new Error(
      `the test "${name}" runs on ${kind} but does not say so: put it in a top-level describe named with SERVER (__fixtures__/vault-server.ts), e.g. describe(\`\${SERVER}: ...\`)`,
    )
})
