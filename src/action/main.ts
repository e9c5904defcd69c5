/** The GitHub Action's main step: inputs → Config once, then the platform-neutral core. */
import { readActionConfig, type InputReader } from '../config/action.js'
import type { Config } from '../core/config.js'
import { errorMessage } from '../lib/errors.js'
import { SecretScrubber } from '../core/mask.js'
import { markdownBlock } from '../lib/untrusted.js'
import { runMain, summaryMarkdown } from '../core/run.js'
import { runCheck, checkReport } from '../core/check.js'
import type { Platform } from '../platforms/types.js'
import { github, githubIdTokenSource } from '../platforms/ci/github.js'
import { selfSignedJwtSource } from '../token-sources/self-signed.js'
import type { TokenSource } from '../core/ports.js'
import { connect, platformHttp, warnIfCleartext } from '../vault/connect.js'
import { STATE_CHILD_TOKEN, STATE_LEASES, STATE_TOKEN } from './state.js'

const ERROR_PREFIX = 'vault-oidc-action'

export async function runAction(platform: Platform, get: InputReader, env: NodeJS.ProcessEnv): Promise<void> {
  const started = Date.now()
  const closers: Array<() => void> = []
  // every secret seen (tokens, values as they are read) is scrubbed from the error text and the log
  const scrubber = new SecretScrubber()
  try {
    const config = readActionConfig(get, env)
    const deadline = started + config.timeoutMs
    warnIfCleartext(config.url, platform.log, config.inputName)
    const { http, vault } = connect(config, platform.log, deadline)
    closers.push(() => http.close())
    const tokenSource = jwtSource(config, platform, env, deadline, closers)
    const deps = {
      config,
      vault,
      sink: platform,
      log: scrubber.logger(platform.log),
      scrubber,
      ...(tokenSource ? { tokenSource } : {}),
      cleanup: {
        saveToken: (token: string) => platform.saveState(STATE_TOKEN, token),
        saveLeases: (ids: readonly string[]) => platform.saveState(STATE_LEASES, JSON.stringify(ids)),
        saveChildToken: (token: string) => platform.saveState(STATE_CHILD_TOKEN, token),
      },
    }
    if (config.check) {
      const report = await runCheck(deps)
      platform.log.info(checkReport(report))
      await platform.writeSummary(`### Vault access check\n\n${markdownBlock(checkReport(report))}\n`)
      if (!report.ok) throw new Error(`the check found ${report.paths.filter((p) => p.status !== 'ok').length} path(s) that cannot be read`)
      return
    }
    const result = await runMain(deps)
    await platform.writeSummary(summaryMarkdown(config, result))
  } catch (err) {
    const message = scrubber.scrub(errorMessage(err))
    try {
      platform.setOutput('errorMessage', message)
    } catch (outputErr) {
      platform.log.warning(`could not set the errorMessage output: ${errorMessage(outputErr)}`)
    }
    platform.setFailed(`${ERROR_PREFIX}: ${message}`)
    if (env.SHOW_STACK_TRACE === 'true' && err instanceof Error && err.stack) platform.log.debug(err.stack)
  } finally {
    for (const close of closers) close()
  }
}

function jwtSource(
  config: Config,
  platform: Platform,
  env: NodeJS.ProcessEnv,
  deadline: number,
  closers: Array<() => void>,
): TokenSource | undefined {
  const { auth } = config
  if (auth.method !== 'jwt' && auth.method !== 'oidc') return undefined
  // like vault-action, the self-signed JWT has no aud (jwtGithubAudience is for the GitHub ID token only):
  // an aud on a role without bound_audiences would fail the login on Vault >= 1.16.3
  if (auth.jwtPrivateKey)
    return { ...selfSignedJwtSource(auth.jwtPrivateKey, auth.jwtKeyPassword, auth.jwtTtlSeconds, env, undefined), claims: github.claims }
  const http = platformHttp(config, platform.log, deadline)
  closers.push(() => http.close())
  return { ...githubIdTokenSource(http, env, auth.jwtAudience, (jwt) => platform.mask(jwt)), claims: github.claims }
}
