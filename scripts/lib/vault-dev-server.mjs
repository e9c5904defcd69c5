/**
 * A real Vault-API server (OpenBao or Vault, see scripts/vault-server.sh) in dev mode on a random loopback port,
 * configured through its HTTP API, and always stopped (by stop(), and on Ctrl-C or exit: the process is killed
 * and its temp directory removed). Plain ESM so the demo and the test fixture (__fixtures__/vault-server.ts)
 * share it. Types: vault-dev-server.d.mts.
 */
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { Agent, request } from 'node:https'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p))

/** Running servers → their temp home, for the exit hook. */
const running = new Map()
let exitHooked = false
function hookExit() {
  if (exitHooked) return
  exitHooked = true
  const killAll = () => {
    for (const [child, home] of running) {
      child.kill('SIGKILL')
      rmSync(home, { recursive: true, force: true })
    }
    running.clear()
  }
  process.on('exit', killAll)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => process.exit(130))
}

export function serverBinary() {
  const bin = process.env.VAULT_TEST_SERVER_BIN ?? process.env.BAO_BIN
  if (!bin) throw new Error('no Vault/OpenBao server binary: run the suite with `npm test` (its global setup builds one), or set BAO_BIN')
  return bin
}

/** A free loopback port whose successor (the dev server's cluster port) is free too. */
export async function freePortPair() {
  for (let i = 0; i < 50; i++) {
    const port = await freePort()
    if (port < 65535 && (await isFree(port + 1))) return port
  }
  throw new Error('no free port pair on 127.0.0.1')
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function isFree(port) {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

export async function startVaultServer(o = {}) {
  hookExit()
  const binary = o.binary ?? serverBinary()
  const home = await mkdtemp(join(tmpdir(), 'vault-dev-'))
  const port = await freePortPair()
  const certDir = o.tls ? join(home, 'certs') : undefined
  if (certDir) await mkdir(certDir)
  const args = ['server', o.tls ? '-dev-tls' : '-dev', '-dev-root-token-id=root', '-dev-no-store-token', `-dev-listen-address=127.0.0.1:${port}`]
  if (certDir) args.push(`-dev-tls-cert-dir=${certDir}`)
  const env = { PATH: process.env.PATH ?? '', HOME: home }
  // with setpriv (util-linux) the server dies with the process that started it, even where exit hooks cannot run
  // (Jest sandboxes `process`, so a killed test run would otherwise leave servers behind)
  const child = SETPRIV
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.set(child, home)
  let log = ''
  child.stdout.on('data', (d) => (log += d.toString()))
  child.stderr.on('data', (d) => (log += d.toString()))
  const exited = new Promise((r) => child.once('exit', (c) => (running.delete(child), r(c))))
  const addr = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  let caPem
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) {
      await rm(home, { recursive: true, force: true })
      throw new Error(`the dev server exited (${child.exitCode}):\n${log.slice(-2000)}`)
    }
    if (certDir && caPem === undefined) caPem = await readFile(join(certDir, 'vault-ca.pem'), 'utf8').catch(() => undefined)
    if (!o.tls || caPem) {
      const ok = await raw(addr, caPem, 'GET', '/v1/sys/health', undefined, {}).then((r) => r.status === 200, () => false)
      if (ok) break
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      await rm(home, { recursive: true, force: true })
      throw new Error(`the dev server did not become healthy within 60s:\n${log.slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    addr,
    port,
    rootToken: 'root',
    binary,
    ...(caPem ? { caPem } : {}),
    ...(certDir ? { certDir } : {}),
    log: () => log,
    async api(method, path, body, a = {}) {
      const headers = { 'x-vault-token': a.token ?? 'root', ...a.headers }
      if (a.namespace) headers['x-vault-namespace'] = a.namespace
      const res = await raw(addr, caPem, method, `/v1/${path.replace(/^\/+/, '')}`, body, headers)
      if (res.status >= 400 && !(a.allow ?? []).includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status}: ${JSON.stringify(res.body)}`)
      return res
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
      await rm(home, { recursive: true, force: true })
    },
  }
}

function raw(addr, ca, method, path, body, headers) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, addr)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const opts = { method, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } }
    const req = url.protocol === 'https:' ? request(url, { ...opts, agent: new Agent({ ...(ca ? { ca } : {}), rejectUnauthorized: !!ca }) }) : httpRequest(url, opts)
    req.on('response', (res) => {
      let text = ''
      res.on('data', (d) => (text += d.toString()))
      res.on('end', () => {
        let parsed
        try {
          parsed = text ? JSON.parse(text) : undefined
        } catch {
          parsed = text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed })
      })
    })
    req.on('error', reject)
    if (payload) req.write(payload)
    req.end()
  })
}
