/**
 * Jest global setups, one per project (jest.config.js). Jest calls each project's setup only when that project has
 * tests to run, so `npm run test:fast` (or `npm test -- __tests__/unit`) never looks for a server.
 *
 * - every project: dist/*.cjs are rebuilt when older than the sources (many tests run the bundles as a runner does);
 * - the real-server projects (openbao, vault): find or build the server with scripts/vault-server.sh and hand its
 *   path to the test workers as VAULT_TEST_OPENBAO_BIN / VAULT_TEST_VAULT_BIN. A failure here fails the run: the
 *   real-server tier never skips.
 * Plain ESM (.mjs): Jest loads global setups with Node's own loader, where a TypeScript file could not import another.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const BUNDLES = ['main.cjs', 'post.cjs', 'cli.cjs']

/** @param {string} path @returns {number} */
function newestMtime(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

/**
 * Builds dist/ (npm run build) when a bundle is missing or older than src/, the build script or the lockfile.
 * @param {string} root the project's rootDir
 */
export function ensureDist(root) {
  const inputs = Math.max(...['src', 'scripts/build.mjs', 'package-lock.json'].map((p) => newestMtime(join(root, p))))
  let oldest = Infinity
  try {
    for (const b of BUNDLES) oldest = Math.min(oldest, statSync(join(root, 'dist', b)).mtimeMs)
  } catch {
    oldest = -Infinity
  }
  if (oldest >= inputs) return
  process.stderr.write('\n[global setup] dist/ is missing or older than the sources: building it (npm run build)\n')
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
}

/** The env variable that carries the server binary of `kind` to the test workers. @param {'openbao' | 'vault'} kind */
export const binVariable = (kind) => `VAULT_TEST_${kind.toUpperCase()}_BIN`

/**
 * Finds or builds the server (scripts/vault-server.sh: BAO_BIN / VAULT_BIN, the cache, or a build) and checks it
 * is that server.
 * @param {'openbao' | 'vault'} kind @param {string} root the project's rootDir
 */
export function setUpServer(kind, root) {
  ensureDist(root)
  const variable = binVariable(kind)
  // VAULT_TEST_SERVER_BIN is the older name of the Vault one (scripts/bench.mjs reads it too)
  const given = process.env[variable] || (kind === 'vault' ? process.env.VAULT_TEST_SERVER_BIN : undefined)
  const bin =
    given ||
    execFileSync('bash', [join(root, 'scripts', 'vault-server.sh'), kind], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim()
  const version = execFileSync(bin, ['version'], { encoding: 'utf8' }).trim()
  const expected = kind === 'openbao' ? /^OpenBao v/ : /^Vault v/
  if (!expected.test(version))
    throw new Error(
      `the ${kind} project needs a ${kind === 'openbao' ? 'OpenBao' : 'HashiCorp Vault'} server, but ${bin} says "${version}" (check ${variable}${kind === 'vault' ? ' / VAULT_TEST_SERVER_BIN / VAULT_BIN' : ' / BAO_BIN'})`,
    )
  process.env[variable] = bin
}

/** The fast project: no server, only a fresh dist/. @param {unknown} _global @param {{ rootDir: string }} project */
export default function globalSetup(_global, project) {
  ensureDist(project.rootDir)
}
