/**
 * Where `export` puts the variables: --output (a file, or stdout), else the CI's default sink (src/platforms/ci),
 * and how values are masked there (the CI's masker, or nothing to register, so a one-line note).
 */
import type { Masker, SecretSink } from '../core/ports.js'
import { InputError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { GENERIC } from '../platforms/ci/index.js'
import type { Streams } from '../platforms/ci/types.js'
import { FileSink, NO_MASKING } from '../platforms/file.js'
import { formatForPath } from '../platforms/formats.js'
import type { CliOptions } from './config.js'

/** Masking commands are written synchronously, before any value is used. */
export function chooseMasker(options: Pick<CliOptions, 'platform'>, env: NodeJS.ProcessEnv, log: Logger, io: Streams): Masker {
  return options.platform.masker?.(env, log, io) ?? NO_MASKING
}

export async function exportSink(
  options: CliOptions,
  env: NodeJS.ProcessEnv,
  masker: Masker,
  log: Logger,
  stdout: (text: string) => void,
): Promise<SecretSink> {
  const { platform } = options
  if (options.output !== undefined)
    return new FileSink({ path: options.output, format: options.format ?? formatForPath(options.output) }, masker, log, stdout)
  if (options.format !== undefined && options.format !== 'shell')
    throw new InputError('--format', `needs --output FILE (on ${platform.title} the default sink has its own format)`)
  const sink = await platform.defaultSink?.({ env, masker, log, stdout, format: options.format })
  if (sink) return sink
  throw new InputError(
    '--output',
    `is required ${platform === GENERIC ? 'outside a known CI' : `on ${platform.title}`}: write the variables to a file you then source (--output FILE, mode 0600) or to stdout for eval (--output -); ` +
      'or keep them off disk with "vault-oidc exec -- CMD ARGS"',
  )
}
