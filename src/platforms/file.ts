/**
 * Sinks for CIs without a secrets API: collect every variable, then write them all at once in commit().
 * Files are never readable by others, not even briefly: a new file is created 0600 with O_EXCL next to the target
 * and renamed over it (all or nothing); $BASH_ENV is appended to in one write after tightening it to 0600.
 * Only names, counts and paths are logged.
 */
import { randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import { lstat, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { VaultOidcError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { isValidEnvName } from '../lib/names.js'
import { formatVariables, type Format } from './formats.js'
import type { Masker, SecretSink } from '../core/ports.js'

export const NO_MASKING: Masker = { masks: false, mask: () => undefined }

/** Collects variables in order (a later value for the same name wins, in its first position). */
export class CollectingSink implements SecretSink {
  protected readonly vars = new Map<string, string>()
  constructor(protected readonly masker: Masker) {}
  mask(value: string): void {
    this.masker.mask(value)
  }
  exportEnv(name: string, value: string): void {
    this.vars.set(name, value)
  }
  /** Step outputs exist only on GitHub; elsewhere every value is an environment variable. */
  setOutput(): void {}
  readonly hasOutputs = false
  async commit(): Promise<void> {
    await this.masker.flush?.()
  }
  variables(): Array<[string, string]> {
    return [...this.vars]
  }
}

export interface FileTarget {
  /** A path, or '-' for stdout (for `eval "$(vault-oidc … --output -)"`). */
  readonly path: string
  readonly format: Format
  /** Append instead of replacing (CircleCI's $BASH_ENV). */
  readonly append?: boolean
  /** How to call the file in messages, e.g. "$BASH_ENV". */
  readonly label?: string
}

export class FileSink extends CollectingSink {
  constructor(
    private readonly target: FileTarget,
    masker: Masker,
    private readonly log: Logger,
    private readonly stdout: (text: string) => void,
  ) {
    super(masker)
  }

  override async commit(): Promise<void> {
    await super.commit()
    const vars = this.variables()
    if (this.target.format !== 'json') {
      const bad = vars.map(([n]) => n).filter((n) => !isValidEnvName(n))
      if (bad.length > 0)
        throw new VaultOidcError(
          `cannot write ${bad.map((n) => `"${n}"`).join(', ')} as ${this.target.format} variables: a name must match [A-Za-z_][A-Za-z0-9_]*; choose one with "| NAME" in the secrets spec, or use --format json`,
        )
    }
    const text = formatVariables(this.target.format, vars)
    const names = vars.map(([n]) => n).join(', ') || '(none)'
    if (this.target.path === '-') {
      this.stdout(text)
      this.log.info(`wrote ${vars.length} variable(s) to stdout (${this.target.format}): ${names}`)
      return
    }
    if (this.target.append) await appendPrivate(this.target.path, text)
    else await writePrivate(this.target.path, text)
    const where = this.target.label ? `${this.target.label} (${this.target.path})` : this.target.path
    this.log.info(
      `${this.target.append ? 'appended' : 'wrote'} ${vars.length} variable(s) to ${where} (${this.target.format}, mode 0600): ${names}`,
    )
  }
}

/** Replaces `path` with `text`: a new 0600 file created exclusively in the same directory, then renamed over it. */
export async function writePrivate(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let handle
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  } catch (err) {
    throw new VaultOidcError(`cannot create a file next to ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  try {
    await handle.chmod(0o600)
    await handle.writeFile(text, 'utf8')
    await handle.sync()
    await handle.close()
    handle = undefined
    await rename(temp, path)
  } catch (err) {
    await handle?.close().catch(() => undefined)
    await unlink(temp).catch(() => undefined)
    throw new VaultOidcError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

/**
 * Appends `text` in one write to a file that is (made) 0600, on a line of its own. Only a regular file is appended
 * to: a symlink (whose target we would chmod) or a device, FIFO or directory is refused, never touched.
 */
export async function appendPrivate(path: string, text: string): Promise<void> {
  const refuse = (what: string): VaultOidcError =>
    new VaultOidcError(
      `cannot append to ${path}: it is ${what}, not a regular file; vault-oidc appends only to a regular file it may make mode 0600. Point it at one (or use --output FILE / exec)`,
    )
  try {
    const before = await lstat(path)
    if (before.isSymbolicLink()) throw refuse('a symbolic link')
    if (!before.isFile()) throw refuse(kindOf(before))
  } catch (err) {
    if (err instanceof VaultOidcError) throw err
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new VaultOidcError(`cannot append to ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  let handle
  try {
    // O_NOFOLLOW: a symlink swapped in after the check above fails here (ELOOP); O_NONBLOCK: a FIFO cannot hang the open
    handle = await open(
      path,
      constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o600,
    )
    const stat = await handle.stat()
    if (!stat.isFile()) throw refuse(kindOf(stat))
    if ((stat.mode & 0o077) !== 0) await handle.chmod(0o600)
    // a file whose last line has no newline would swallow our first export into it
    const last = Buffer.alloc(1)
    const needsNewline = stat.size > 0 && (await handle.read(last, 0, 1, stat.size - 1)).bytesRead === 1 && last[0] !== 0x0a
    if (text !== '') await handle.writeFile(needsNewline ? `\n${text}` : text, 'utf8')
  } catch (err) {
    if (err instanceof VaultOidcError) throw err
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw refuse('a symbolic link')
    throw new VaultOidcError(`cannot append to ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  } finally {
    await handle?.close().catch(() => undefined)
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory'
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device'
  if (s.isFIFO()) return 'a FIFO'
  if (s.isSocket()) return 'a socket'
  return 'a special file'
}
