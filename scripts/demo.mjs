#!/usr/bin/env node
/**
 * `npm run demo`: the action's main job, end to end, on this machine.
 * Builds or reuses a Vault-API server (scripts/vault-server.sh), starts it in dev mode and a GitHub-like OIDC
 * issuer on loopback, writes a JWT role, a policy and a few secrets, then runs dist/main.cjs exactly as a GitHub
 * runner would (INPUT_* env, GITHUB_ENV/OUTPUT/STATE/STEP_SUMMARY files, the ID-token request env), prints what
 * the workflow log would show (masked like the runner does), the exported names, the job summary, then runs
 * dist/post.cjs and shows that the token is revoked. Everything it starts is stopped, also on Ctrl-C.
 *
 * The server is OpenBao (the open-source one) unless `--vault` or DEMO_SERVER=vault asks for HashiCorp Vault.
 * BAO_BIN / VAULT_BIN bring your own binary.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { importFixture } from './lib/fixtures.mjs'

const [{ startOidcIssuer }, { applyMasks, DIST, runBundle }, { startVaultServer }] = await Promise.all(
  ['oidc-issuer', 'runner', 'vault-server'].map(importFixture),
)

const showDebug = process.argv.includes('--debug')
const serverKind = process.argv.includes('--vault') ? 'vault' : process.env.DEMO_SERVER || 'openbao'
if (serverKind !== 'openbao' && serverKind !== 'vault') {
  console.error(`DEMO_SERVER must be "openbao" or "vault", not ${JSON.stringify(serverKind)}`)
  process.exit(2)
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
const bold = paint('1')
const dim = paint('2')
const green = paint('32')
const yellow = paint('33')
const red = paint('31')

const say = (s = '') => console.log(s)
const step = (n, s) => say(`\n${bold(`${n}.`)} ${bold(s)}`)
const indent = (text, prefix = '    ') =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => prefix + l)
    .join('\n')

let buildChild
// Ctrl-C / SIGTERM / SIGHUP: stop the build if it is running; the exit hooks of the server and runner modules stop the
// dev server (SIGKILL) and remove every temp directory.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n[demo] ${sig}: stopping everything and removing temp directories`)
    buildChild?.kill('SIGTERM')
    process.exit(130)
  })
}

async function findServer() {
  return new Promise((resolvePath, reject) => {
    buildChild = spawn('bash', [join(root, 'scripts', 'vault-server.sh'), serverKind], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    buildChild.stdout.on('data', (d) => (out += d))
    buildChild.once('error', reject)
    buildChild.once('close', (code) => {
      buildChild = undefined
      if (code === 0 && out.trim()) resolvePath(out.trim())
      else reject(new Error(`scripts/vault-server.sh failed (exit ${code}); see its messages above`))
    })
  })
}

/** The workflow log as the runner renders it: commands interpreted, debug hidden, masks applied. */
function renderLog(r) {
  const lines = []
  let debug = 0
  for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
    if (line === '' || line.startsWith('::add-mask::')) continue
    const cmd = /^::(\w+)(?: [^:]*)?::(.*)$/.exec(line)
    if (cmd?.[1] === 'debug') {
      debug++
      if (showDebug) lines.push(dim(`##[debug]${cmd[2]}`))
    } else if (cmd)
      lines.push(
        `${{ error: red('Error: '), warning: yellow('Warning: '), notice: 'Notice: ' }[cmd[1]] ?? `[${cmd[1]}] `}${cmd[2].replace(/%0A/g, '\n').replace(/%25/g, '%')}`,
      )
    else lines.push(line)
  }
  if (debug > 0 && !showDebug)
    lines.push(dim(`(${debug} debug line(s), hidden as on GitHub without ACTIONS_STEP_DEBUG; npm run demo -- --debug shows them)`))
  return indent(applyMasks(lines.join('\n'), r.masks), `    ${dim('|')} `)
}

async function main() {
  const t0 = Date.now()
  say(bold('vault-oidc-action demo: a GitHub job swaps its OIDC token for a Vault token and reads secrets'))
  say(dim('Everything runs on 127.0.0.1 with random ports and temp directories; nothing is left behind.'))

  step(1, 'The action bundle (dist/)')
  if (!existsSync(join(DIST, 'main.cjs')) || !existsSync(join(DIST, 'post.cjs'))) {
    say('    dist/ is missing: building it (npm run build)')
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root })
  }
  say(`    using ${join('dist', 'main.cjs')} and ${join('dist', 'post.cjs')}`)

  const [serverName, ownVar] = serverKind === 'openbao' ? ['OpenBao', 'BAO_BIN'] : ['HashiCorp Vault', 'VAULT_BIN']
  step(
    2,
    `${serverName} (scripts/vault-server.sh ${serverKind}: $${ownVar}, the cache, or a build${serverKind === 'openbao' ? ' from the vendored source' : ' from Go modules'}; --vault / DEMO_SERVER=vault for the other)`,
  )
  say(dim('    a first build downloads Go modules and compiles for 10-30 minutes on 2 cores; its progress follows'))
  const binary = await findServer()
  const version = execFileSync(binary, ['version'], { encoding: 'utf8' }).trim()
  say(`    ${binary}\n    ${version}`)

  step(3, 'Start the dev server and a GitHub-like OIDC issuer (ID-token endpoint + JWKS)')
  const [vault, issuer] = await Promise.all([startVaultServer({ binary }), startOidcIssuer()])
  try {
    say(`    server: ${vault.addr} (dev mode, in-memory, root token "root" used only for this setup)`)
    say(`    issuer: ${issuer.url} (signs RS256 ID tokens with GitHub's claims for octo-org/octo-repo@refs/heads/main)`)

    step(4, 'Configure Vault as an admin would')
    const audience = 'https://vault.demo'
    await vault.api('POST', 'sys/auth/jwt', { type: 'jwt' })
    await vault.api('POST', 'auth/jwt/config', { jwks_url: issuer.jwksUrl, bound_issuer: issuer.issuer })
    say(`    auth/jwt           trusts the issuer's keys (jwks_url ${issuer.jwksUrl})`)
    await vault.api('PUT', 'sys/policies/acl/deploy-read', { policy: 'path "secret/data/deploy/*" { capabilities = ["read"] }' })
    say('    policy deploy-read path "secret/data/deploy/*" { capabilities = ["read"] }')
    const bound = { repository: 'octo-org/octo-repo', ref: 'refs/heads/main' }
    await vault.api('POST', 'auth/jwt/role/deploy', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: [audience],
      bound_claims: bound,
      token_policies: ['deploy-read'],
      token_ttl: '15m',
    })
    say(`    role deploy        aud ${audience}, repository ${bound.repository}, ref ${bound.ref} → deploy-read, 15m`)
    const secrets = {
      'deploy/db': { username: 'app', password: 'correct horse battery staple' },
      'deploy/aws': { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      'deploy/config': { settings: { region: 'eu-west-1', replicas: 3 } },
    }
    for (const [path, data] of Object.entries(secrets)) {
      await vault.api('POST', `secret/data/${path}`, { data })
      say(`    secret/${path.padEnd(14)} keys: ${Object.keys(data).join(', ')}`)
    }

    step(5, 'The workflow step')
    const inputs = {
      url: vault.addr,
      method: 'jwt',
      role: 'deploy',
      jwtGithubAudience: audience,
      secrets: [
        'secret/deploy/db password | DB_PASSWORD',
        'secret/deploy/db username | DB_USER',
        'secret/deploy/aws *',
        'secret/deploy/config settings.region | REGION',
      ].join('\n'),
    }
    say(
      indent(
        `permissions:\n  id-token: write\nsteps:\n  - uses: vault-oidc-action@v1\n    with:\n${Object.entries(inputs)
          .map(([k, v]) => (v.includes('\n') ? `      ${k}: |\n${indent(v, '        ')}` : `      ${k}: ${v}`))
          .join('\n')}`,
      ),
    )

    step(6, 'Run dist/main.cjs as the runner does (INPUT_* env, GITHUB_ENV/OUTPUT/STATE/STEP_SUMMARY files)')
    const job = await runBundle('main', { inputs, env: issuer.githubEnv() })
    say(dim('    The workflow log (what GitHub shows; registered masks replaced by ***):'))
    say(renderLog(job))
    say(
      `    exit code ${job.code === 0 ? green('0') : red(String(job.code))}, ${job.elapsedMs} ms; ${job.masks.length} value(s) registered as masks (secrets, their lines, the JWT, the Vault token)`,
    )
    if (job.code !== 0) throw new Error('the main step failed (see the log above)')

    step(7, 'What later steps get')
    say('    GITHUB_ENV (environment variables):')
    for (const [name, value] of Object.entries(job.env)) say(`      ${name.padEnd(22)} = ${applyMasks(value, job.masks)}`)
    say('    GITHUB_OUTPUT (steps.<id>.outputs):')
    say(`      ${Object.keys(job.outputs).join(', ')}`)
    say(dim('    (values are real in the job; printed here through the masks, as the log would)'))

    step(8, 'The job summary (GITHUB_STEP_SUMMARY, markdown)')
    say(indent(job.summary, `    ${dim('|')} `))

    const token = job.state.vaultToken
    const before = await vault.api('GET', 'auth/token/lookup-self', undefined, { token, allow: [403] })
    step(9, 'Run dist/post.cjs (post: always()), with the state the main step saved')
    const post = await runBundle('post', { inputs: { url: vault.addr }, state: job.state })
    say(renderLog({ ...post, masks: [...post.masks, ...job.masks] }))
    const after = await vault.api('GET', 'auth/token/lookup-self', undefined, { token, allow: [403] })
    say(
      `    auth/token/lookup-self with the job's token: before post HTTP ${before.status}, after post HTTP ${after.status} ${after.status === 403 ? green('(revoked)') : red('(still valid!)')}`,
    )
    if (after.status !== 403) throw new Error('the token was not revoked by the post step')

    step(10, 'The same step in a job the role does not allow (a push to refs/heads/feature)')
    issuer.claims = { ...issuer.claims, ref: 'refs/heads/feature', sub: 'repo:octo-org/octo-repo:ref:refs/heads/feature' }
    const denied = await runBundle('main', { inputs, env: issuer.githubEnv() })
    say(renderLog(denied))
    const jwtShown = /eyJ[\w-]+\.eyJ[\w-]+\./.test(denied.log + denied.stderr)
    say(
      `    exit code ${denied.code}: ${Object.keys(denied.env).length} variables exported; the JWT ${jwtShown ? red('appears in the log!') : 'does not appear in the log'}`,
    )
  } finally {
    step(11, 'Clean up')
    await Promise.all([vault.stop(), issuer.close()])
    say('    stopped the dev server and the issuer; removed their temp directories')
  }
  say(`\n${green('done')} in ${((Date.now() - t0) / 1000).toFixed(1)}s`)
}

main().catch((err) => {
  console.error(`\n${red('demo failed:')} ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
