/**
 * GitHub Actions (the action's own adapter is ../github.ts): the ID token from the runner's endpoint (the action uses it too),
 * `::add-mask::` written by us, GITHUB_ENV / GITHUB_OUTPUT by default. @actions/core is loaded only for that sink.
 */
import type { TokenSource } from '../../core/ports.js'
import type { HttpClient } from '../../http/client.js'
import { InputError, VaultOidcError } from '../../lib/errors.js'
import type { Logger } from '../../lib/log.js'
import { guardLines } from '../../lib/untrusted.js'
import type { CiPlatform } from './types.js'

/**
 * GitHub Actions' ID token: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=... with the request token as bearer.
 * Requested through the shared HTTP client, so it gets the same retries, timeouts and proxy handling.
 */
export function githubIdTokenSource(
  http: HttpClient,
  env: NodeJS.ProcessEnv,
  audience: string | undefined,
  onToken: (jwt: string) => void,
): TokenSource {
  return {
    description: `GitHub Actions ID token${audience ? ` (audience "${audience}")` : ' (default audience)'}`,
    async fetch() {
      const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL
      const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
      if (!requestUrl || !requestToken) {
        throw new VaultOidcError(
          'cannot request a GitHub OIDC ID token: ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set. ' +
            'Add "permissions: id-token: write" to the job (or workflow); pull requests from forks get no ID token.',
        )
      }
      const url = new URL(requestUrl)
      if (audience) url.searchParams.set('audience', audience)
      const res = await http.request({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${requestToken}` },
        what: 'GitHub ID token request',
      })
      const value = (res.body as { value?: unknown } | undefined)?.value
      if (typeof value !== 'string' || value === '')
        throw new VaultOidcError('the GitHub ID token endpoint answered without a token ("value" field)')
      onToken(value)
      return value
    },
  }
}

/**
 * The runner reads workflow commands on stderr as well as stdout. The CLI writes its own there (its stdout may be
 * data: `--output -`, claims), and @actions/core cannot: it always writes to stdout. Escaping as the runner expects.
 */
export function workflowCommand(command: 'add-mask' | 'debug' | 'warning' | 'error', message: string): string {
  return `::${command}::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`
}

/** The CLI's logger on GitHub: the same annotations as the action's, written with `write` (stderr). */
function githubCommandLogger(write: (text: string) => void, env: NodeJS.ProcessEnv): Logger {
  return {
    debug: (m) => write(workflowCommand('debug', guardLines(m))),
    info: (m) => write(`${guardLines(m)}\n`),
    warning: (m) => write(workflowCommand('warning', guardLines(m))),
    error: (m) => write(workflowCommand('error', guardLines(m))),
    isDebug: () => env.RUNNER_DEBUG === '1',
  }
}

export const github: CiPlatform = {
  name: 'github',
  title: 'GitHub Actions',
  detect: (env) => env.GITHUB_ACTIONS === 'true',
  tokenSource: ({ http, env, audience, mask }) => githubIdTokenSource(http(), env, audience, mask),
  /**
   * `::add-mask::` on stderr (the runner reads both streams; stdout may be data), and for `exec` on stdout too, so
   * that a mask is ahead of the child's output on either stream. Written synchronously, before any value is used.
   */
  masker(_env, _log, io) {
    const streams = io.exec ? [io.stderr, io.stdout] : [io.stderr]
    return {
      masks: true,
      mask: (value) => {
        const line = workflowCommand('add-mask', value)
        for (const write of streams) write(line)
      },
    }
  },
  /** GITHUB_ENV / GITHUB_OUTPUT files like the action; masks through the CLI's masker (stderr), not @actions/core's stdout. */
  async defaultSink({ env, masker, format }) {
    if (format !== undefined) return undefined
    for (const file of ['GITHUB_ENV', 'GITHUB_OUTPUT']) {
      // without them @actions/core would print "::set-env name=…::value" to stdout instead
      if (!env[file])
        throw new InputError(
          '--output',
          `is required: GITHUB_ACTIONS is true but $${file} is not set (not a runner step, e.g. inside docker run?)`,
        )
    }
    const { githubPlatform } = await import('../github.js')
    const platform = githubPlatform()
    return {
      mask: (value) => masker.mask(value),
      exportEnv: (name, value) => platform.exportEnv(name, value),
      setOutput: (name, value) => platform.setOutput(name, value),
      commit: async () => platform.commit?.(),
    }
  },
  logger: githubCommandLogger,
  claims: [
    'repository',
    'repository_owner',
    'ref',
    'ref_type',
    'environment',
    'job_workflow_ref',
    'workflow_ref',
    'event_name',
    'actor',
    'runner_environment',
  ],
}
