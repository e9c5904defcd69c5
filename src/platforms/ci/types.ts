/**
 * One CI system, as the CLI sees it: how it is detected, the OIDC token it gives a job (and who sets that token's
 * audience), how it masks values in its log, where `export` puts variables by default, which claims of its token
 * are worth showing when a login fails, and its example in --help. One module per CI implements this; the list in
 * ./index.ts registers them.
 */
import type { Masker, SecretSink, TokenSource } from '../../core/ports.js'
import type { HttpClient } from '../../http/client.js'
import type { Logger } from '../../lib/log.js'
import type { Format } from '../formats.js'

export interface TokenContext {
  readonly env: NodeJS.ProcessEnv
  readonly log: Logger
  /** --audience; undefined = the CI's default. */
  readonly audience: string | undefined
  /** --jwt-env (read by CIs whose token variable the pipeline names, see `readsJwtEnv`). */
  readonly jwtEnv: string | undefined
  /** The HTTP client for token endpoints (created on first use). */
  readonly http: () => HttpClient
  readonly mask: (secret: string) => void
}

export interface Streams {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** stdout carries data (`--output -`, claims, the check table): no log commands may go there */
  readonly stdoutIsData: boolean
  /** a child (exec) writes to both streams after us */
  readonly exec: boolean
}

export interface SinkContext {
  readonly env: NodeJS.ProcessEnv
  readonly masker: Masker
  readonly log: Logger
  readonly stdout: (text: string) => void
  /** --format without --output: undefined or "shell" (other formats need --output). */
  readonly format: Format | undefined
}

export interface CiPlatform {
  /** As in --jwt-source, e.g. "gitlab". */
  readonly name: string
  /** For messages, e.g. "GitLab CI". */
  readonly title: string
  /** From the variables the CI sets in every job. */
  detect(env: NodeJS.ProcessEnv): boolean
  /** The job's own OIDC token; absent where the CI has none. */
  tokenSource?(ctx: TokenContext): TokenSource
  /**
   * Where the token's audience is set when the pipeline or the CI fixes it: --audience is then only compared with
   * the token's aud (a warning names this place). Absent when the token is requested with --audience.
   */
  readonly fixedAudience?: string
  /** --jwt-env names this CI's own token variable (GitLab's id_tokens) instead of choosing `--jwt-source env`. */
  readonly readsJwtEnv?: boolean
  /** How values are hidden in the CI's log; absent: the CI cannot mask values fetched at runtime. */
  masker?(env: NodeJS.ProcessEnv, log: Logger, streams: Streams): Masker
  /** Where `export` writes without --output; absent or undefined: --output is required. */
  defaultSink?(ctx: SinkContext): Promise<SecretSink | undefined>
  /** The CLI's log on this CI, when it differs from plain lines on stderr. */
  logger?(write: (text: string) => void, env: NodeJS.ProcessEnv): Logger
  /** Identity claims of the CI's token worth showing when a login fails (iss, aud, sub and times always are). */
  readonly claims: readonly string[]
  /** An example for --help: a comment line, then the command. */
  readonly helpExample?: readonly [comment: string, command: string]
}
