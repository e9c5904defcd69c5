/**
 * Azure DevOps Pipelines: the OIDC token from the pipeline's OIDC endpoint (aud is always api://AzureADTokenExchange).
 * Every value is registered with the agent's masker by the `##vso[task.setsecret]` logging
 * command before it is written or used; the agent then masks it in this step's output and in every later step's.
 */
import type { Masker } from '../../core/ports.js'
import { azureTokenSource } from '../../token-sources/azure.js'
import type { CiPlatform } from './types.js'

/** The logging command's data escaping (the agent turns these back before registering the value). */
function setSecretCommand(value: string): string {
  return `##vso[task.setsecret]${value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`
}

/** `write` is where the agent reads logging commands: stdout, or stderr while stdout carries data (`--output -`). */
function azureMasker(write: (text: string) => void): Masker {
  return {
    masks: true,
    mask(value) {
      if (value !== '') write(setSecretCommand(value))
    },
  }
}

export const azure: CiPlatform = {
  name: 'azure',
  title: 'Azure DevOps',
  detect: (env) => env.TF_BUILD?.toLowerCase() === 'true',
  tokenSource: ({ http, env }) => azureTokenSource(http(), env),
  fixedAudience: 'Azure DevOps tokens always have aud api://AzureADTokenExchange: bind exactly that',
  /** `##vso[task.setsecret]` on stdout, where the agent reads logging commands, or on stderr while stdout is data. */
  masker: (_env, _log, io) => azureMasker(io.stdoutIsData ? io.stderr : io.stdout),
  claims: ['prj_id', 'rpo_ref'],
}
