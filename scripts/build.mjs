// Bundles each entry point into one CommonJS file in dist/ (committed: the runner does not npm install).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'

/**
 * @actions/core's getIDToken pulls in @actions/http-client and undici (~420 KB, most of the bundle's load time).
 * We never call it: the ID token is requested through our own HTTP client (src/token-sources/github.ts), which
 * owns retries, timeouts and proxies. So, for imports made by @actions/core only, substitute a stub that throws.
 */
const noOidcClient = {
  name: 'no-actions-oidc-client',
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/lib\/auth)?$/ }, (args) =>
      args.importer.includes('/node_modules/@actions/core/') ? { path: args.path, namespace: 'unused-oidc-client' } : undefined,
    )
    b.onLoad({ filter: /.*/, namespace: 'unused-oidc-client' }, () => ({
      contents:
        'const unused = () => { throw new Error("@actions/core getIDToken is not bundled: use src/token-sources/github.ts") }\n' +
        'export class HttpClient { constructor() { unused() } }\nexport class BearerCredentialHandler { constructor() { unused() } }\n',
      loader: 'js',
    }))
  },
}

/**
 * Start-up cost is paid by every job. JSONata (~10 ms to evaluate) is needed only once a selector is parsed or
 * evaluated, jose (~4 ms) only to sign a self-signed JWT or to explain a failed login. The sources import them
 * normally; in the bundle each becomes a stub that loads the real module on first use (esbuild evaluates a
 * bundled module when it is first required).
 */
const lazyModules = {
  jsonata: 'const load = () => require("jsonata")\nmodule.exports = (...args) => load()(...args)\n',
  jose: [
    'const load = () => require("jose")',
    'exports.decodeJwt = (...a) => load().decodeJwt(...a)',
    'exports.decodeProtectedHeader = (...a) => load().decodeProtectedHeader(...a)',
    'exports.SignJWT = function SignJWT(...a) { return new (load().SignJWT)(...a) }',
  ].join('\n'),
}
const lazy = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(lazyModules).join('|')})$`) }, (args) =>
      args.namespace === 'lazy' ? undefined : { path: args.path, namespace: 'lazy' },
    )
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: lazyModules[args.path], loader: 'js', resolveDir: process.cwd() }))
  },
}

// start clean, so a file a previous build wrote (e.g. a legal-comments file) cannot linger in the commit
await rm('dist', { recursive: true, force: true })

const entries = { main: 'src/entry-main.ts', post: 'src/entry-post.ts', cli: 'src/entry-cli.ts' }
const results = await Promise.all(
  Object.entries(entries).map(([name, entry]) =>
    build({
      entryPoints: [entry],
      outfile: `dist/${name}.cjs`,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: process.env.NO_MINIFY !== '1',
      legalComments: 'external',
      banner: name === 'cli' ? { js: '#!/usr/bin/env node' } : {},
      plugins: [noOidcClient, lazy],
      metafile: true,
      logLevel: 'warning',
    }).then((result) => [name, result.metafile]),
  ),
)
await writeFile('dist/THIRD_PARTY_NOTICES.md', await thirdPartyNotices(results))

/**
 * dist/THIRD_PARTY_NOTICES.md: every npm package whose code esbuild put into a bundle (from the metafiles' inputs,
 * so the list cannot drift from what ships), with its version, license and the text of its license file.
 * A bundled package without a license file stops the build: its terms must be looked at before it ships.
 */
async function thirdPartyNotices(metafiles) {
  /** package directory → names of the bundles that contain code from it */
  const packages = new Map()
  for (const [bundle, metafile] of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'))
      if (!m) continue
      const dir = m[1]
      packages.set(dir, new Set([...(packages.get(dir) ?? []), bundle]))
    }
  }
  const sections = []
  for (const dir of packages.keys()) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
    const licenseFile = (await readdir(dir)).filter((f) => /^(licen[cs]e|copying|notice)(\.(md|txt))?$/i.test(f)).sort()
    if (licenseFile.length === 0)
      throw new Error(
        `${pkg.name}@${pkg.version} is bundled into dist/ but ships no LICENSE file: check its terms and add its notice by hand to scripts/build.mjs`,
      )
    const texts = await Promise.all(licenseFile.map(async (f) => (await readFile(join(dir, f), 'utf8')).replace(/\r\n/g, '\n').trim()))
    const license = typeof pkg.license === 'string' ? pkg.license : 'see the license text'
    sections.push({
      key: `${pkg.name}@${pkg.version}`,
      text: [
        `## ${pkg.name} ${pkg.version}`,
        '',
        `License: ${license}. In: ${[...packages.get(dir)]
          .sort()
          .map((b) => `dist/${b}.cjs`)
          .join(', ')}.`,
        '',
        ...texts.flatMap((t) => ['````text', t, '````', '']),
      ].join('\n'),
    })
  }
  sections.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return [
    '# Third-party notices',
    '',
    'dist/ bundles code from the npm packages below. Their licenses follow, as each package ships them.',
    "Generated by scripts/build.mjs from esbuild's metafile: do not edit by hand.",
    '',
    ...sections.map((s) => s.text),
  ].join('\n')
}
