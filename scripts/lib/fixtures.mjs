/**
 * The demo and the benchmark use the test fixtures (__fixtures__/*.ts: the dev server, the OIDC issuer, the runner,
 * the fault proxy), which are TypeScript and have their types in one place. Node runs JavaScript, so each is bundled
 * once per run with esbuild (a dev dependency, ~50 ms) into .tmp/ — one level below the root, like __fixtures__/,
 * so paths the fixtures derive from their own location (dist/) stay right — and imported from there.
 */
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Imports __fixtures__/<name>.ts. */
export async function importFixture(name) {
  const outfile = join(ROOT, '.tmp', `fixture-${name}.mjs`)
  mkdirSync(dirname(outfile), { recursive: true })
  await build({
    entryPoints: [join(ROOT, '__fixtures__', `${name}.ts`)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  })
  return import(pathToFileURL(outfile).href)
}
