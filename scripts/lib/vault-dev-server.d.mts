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
  api<T = unknown>(method: string, path: string, body?: unknown, o?: { token?: string; namespace?: string; allow?: number[]; headers?: Record<string, string> }): Promise<{ status: number; body: T }>
  stop(): Promise<void>
}

export declare function serverBinary(): string
/** A free loopback port whose successor (the dev server's cluster port) is free too. */
export declare function freePortPair(): Promise<number>
export declare function freePort(): Promise<number>
/** `binary` defaults to $VAULT_TEST_SERVER_BIN, then $BAO_BIN. */
export declare function startVaultServer(o?: { tls?: boolean; binary?: string }): Promise<VaultServer>
