/**
 * Where `export` puts the variables, by platform unless --output/--format say otherwise, and how each platform
 * masks values (GitHub: ::add-mask::, Buildkite: redactor, others: nothing to register, so a one-line note).
 * @actions/core is reached only through src/platforms/github.ts, and only when GITHUB_ACTIONS is true.
 */
import { InputError } from '../lib/errors.js'
import type { Logger } from '../lib/log.js'
import { azureMasker } from '../platforms/azure.js'
import { buildkiteRedactor } from '../platforms/buildkite.js'
import { PLATFORM_TITLES, type PlatformName } from '../platforms/detect.js'
import type { Masker, SecretSink } from '../core/ports.js'
import { FileSink, NO_MASKING } from '../platforms/file.js'
import { formatForPath } from '../platforms/formats.js'
import { githubPlatform, workflowCommand } from '../platforms/github.js'
import type { CliOptions } from './config.js'

export interface Streams {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** stdout carries data (`--output -`, claims, the check table): no log commands may go there */
  readonly stdoutIsData: boolean
  /** a child (exec) writes to both streams after us */
  readonly exec: boolean
}

/**
 * Masking commands are written synchronously, before any value is used.
 * GitHub: `::add-mask::` on stderr (the runner reads both streams; stdout may be data), and for `exec` on stdout
 * too, so that a mask is ahead of the child's output on either stream. Azure: `##vso[task.setsecret]` on stdout,
 * where the agent reads logging commands, or on stderr while stdout is data.
 */
export function chooseMasker(platform: PlatformName, env: NodeJS.ProcessEnv, log: Logger, io: Streams): Masker {
  if (platform === 'github') {
    const streams = io.exec ? [io.stderr, io.stdout] : [io.stderr]
    return {
      masks: true,
      mask: (v) => {
        const line = workflowCommand('add-mask', v)
        for (const write of streams) write(line)
      },
    }
  }
  if (platform === 'azure') return azureMasker(io.stdoutIsData ? io.stderr : io.stdout)
  if (platform === 'buildkite') return buildkiteRedactor(env, log)
  return NO_MASKING
}

export function exportSink(options: CliOptions, env: NodeJS.ProcessEnv, masker: Masker, log: Logger, stdout: (text: string) => void): SecretSink {
  if (options.output !== undefined) return new FileSink({ path: options.output, format: options.format ?? formatForPath(options.output) }, masker, log, stdout)
  if (options.format !== undefined && options.format !== 'shell') throw new InputError('--format', `needs --output FILE (on ${PLATFORM_TITLES[options.platform]} the default sink has its own format)`)
  if (options.platform === 'github' && options.format === undefined) {
    // GITHUB_ENV / GITHUB_OUTPUT files like the action; masks through the CLI's masker (stderr), not @actions/core's stdout
    for (const file of ['GITHUB_ENV', 'GITHUB_OUTPUT']) {
      // without them @actions/core would print "::set-env name=…::value" to stdout instead
      if (!env[file]) throw new InputError('--output', `is required: GITHUB_ACTIONS is true but $${file} is not set (not a runner step, e.g. inside docker run?)`)
    }
    const github = githubPlatform()
    return { mask: (v) => masker.mask(v), exportEnv: (n, v) => github.exportEnv(n, v), setOutput: (n, v) => github.setOutput(n, v) }
  }
  if (options.platform === 'circleci') {
    const bashEnv = env.BASH_ENV
    if (!bashEnv) throw new InputError('--output', 'is required: $BASH_ENV is not set (CircleCI sets it in every job); or use "vault-oidc exec -- CMD"')
    return new FileSink({ path: bashEnv, format: 'shell', append: true, label: '$BASH_ENV' }, masker, log, stdout)
  }
  throw new InputError(
    '--output',
    `is required ${options.platform === 'generic' ? 'outside a known CI' : `on ${PLATFORM_TITLES[options.platform]}`}: write the variables to a file you then source (--output FILE, mode 0600) or to stdout for eval (--output -); ` +
      'or keep them off disk with "vault-oidc exec -- CMD ARGS"',
  )
}
