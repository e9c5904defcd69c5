/**
 * A real Vault-API server (OpenBao or Vault, see scripts/vault-server.sh) in dev mode on a random loopback port,
 * configured through its HTTP API, and always stopped (by stop(), and on Ctrl-C or exit: the process is killed
 * and its temp directory removed). The demo and the benchmark load it too, through scripts/lib/fixtures.mjs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { Agent, request } from 'node:https'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface VaultServer {
  readonly addr: string
  readonly port: number
  readonly rootToken: string
  readonly binary: string
  /** PEM of the dev TLS CA (TLS servers only). */
  readonly caPem?: string
  readonly certDir?: string
  /** The server's own output so far (for diagnostics). */
  log(): string
  /** Calls the HTTP API as root (or with `token`); throws on status >= 400 unless `allow` lists it. */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    o?: { token?: string; namespace?: string; allow?: number[]; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T }>
  stop(): Promise<void>
}

export type ServerKind = 'openbao' | 'vault'

/**
 * The server of the running real-server Jest project ("openbao" or "vault", see jest.config.js). Every test name in
 * that tier includes it (`describe(\`${SERVER}: ...\`)`), so a failure says which server it was; the projects'
 * setup refuses a test that does not. Outside those projects it is "none".
 */
export const SERVER: ServerKind | 'none' =
  process.env.VAULT_TEST_SERVER === 'openbao' || process.env.VAULT_TEST_SERVER === 'vault' ? process.env.VAULT_TEST_SERVER : 'none'

/** Picks what the running server does where OpenBao and Vault differ, so each test states both explicitly. */
export function onServer<T>(per: Record<ServerKind, T>): T {
  if (SERVER === 'none') throw new Error('onServer() is for the real-server projects (openbao, vault) only')
  return per[SERVER]
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p))

/** Running servers → their temp home, for the exit hook. */
const running = new Map<ChildProcess, string>()
let exitHooked = false
function hookExit(): void {
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

export function serverBinary(): string {
  const bin = process.env.VAULT_TEST_SERVER_BIN ?? process.env.BAO_BIN
  if (!bin) throw new Error('no Vault/OpenBao server binary: run the suite with `npm test` (its global setup builds one), or set BAO_BIN')
  return bin
}

/** A free loopback port whose successor (the dev server's cluster port) is free too. */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freePort()
    if (port < 65535 && (await isFree(port + 1))) return port
  }
  throw new Error('no free port pair on 127.0.0.1')
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** `binary` defaults to $VAULT_TEST_SERVER_BIN, then $BAO_BIN. */
export async function startVaultServer(o: { tls?: boolean; binary?: string } = {}): Promise<VaultServer> {
  hookExit()
  const binary = o.binary ?? serverBinary()
  const home = await mkdtemp(join(tmpdir(), 'vault-dev-'))
  const port = await freePortPair()
  const certDir = o.tls ? join(home, 'certs') : undefined
  if (certDir) await mkdir(certDir)
  const args = [
    'server',
    o.tls ? '-dev-tls' : '-dev',
    '-dev-root-token-id=root',
    '-dev-no-store-token',
    `-dev-listen-address=127.0.0.1:${port}`,
  ]
  if (certDir) args.push(`-dev-tls-cert-dir=${certDir}`)
  const env = { PATH: process.env.PATH ?? '', HOME: home }
  // with setpriv (util-linux) the server dies with the process that started it, even where exit hooks cannot run
  // (Jest sandboxes `process`, so a killed test run would otherwise leave servers behind)
  const child = SETPRIV
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.set(child, home)
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => (running.delete(child), r(c))))
  const addr = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  let caPem: string | undefined
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) {
      await rm(home, { recursive: true, force: true })
      throw new Error(`the dev server exited (${child.exitCode}):\n${log.slice(-2000)}`)
    }
    if (certDir && caPem === undefined) caPem = await readFile(join(certDir, 'vault-ca.pem'), 'utf8').catch(() => undefined)
    if (!o.tls || caPem) {
      const ok = await raw(addr, caPem, 'GET', '/v1/sys/health', undefined, {}).then(
        (r) => r.status === 200,
        () => false,
      )
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
    async api<T = unknown>(
      method: string,
      path: string,
      body?: unknown,
      a: { token?: string; namespace?: string; allow?: number[]; headers?: Record<string, string> } = {},
    ): Promise<{ status: number; body: T }> {
      const headers: Record<string, string> = { 'x-vault-token': a.token ?? 'root', ...a.headers }
      if (a.namespace) headers['x-vault-namespace'] = a.namespace
      const res = await raw(addr, caPem, method, `/v1/${path.replace(/^\/+/, '')}`, body, headers)
      if (res.status >= 400 && !(a.allow ?? []).includes(res.status))
        throw new Error(`${method} ${path}: HTTP ${res.status}: ${JSON.stringify(res.body)}`)
      return res as { status: number; body: T }
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

function raw(
  addr: string,
  ca: string | undefined,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, addr)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const opts = {
      method,
      headers: {
        ...headers,
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
      },
    }
    const req =
      url.protocol === 'https:'
        ? request(url, { ...opts, agent: new Agent({ ...(ca ? { ca } : {}), rejectUnauthorized: !!ca }) })
        : httpRequest(url, opts)
    req.on('response', (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => {
        let parsed: unknown
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
