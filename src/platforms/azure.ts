/**
 * Azure DevOps Pipelines: every value is registered with the agent's masker by the `##vso[task.setsecret]` logging
 * command before it is written or used; the agent then masks it in this step's output and in every later step's.
 */
import type { Masker } from '../core/ports.js'

/** The logging command's data escaping (the agent turns these back before registering the value). */
function setSecretCommand(value: string): string {
  return `##vso[task.setsecret]${value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`
}

/** `write` is where the agent reads logging commands: stdout, or stderr while stdout carries data (`--output -`). */
export function azureMasker(write: (text: string) => void): Masker {
  return {
    masks: true,
    mask(value) {
      if (value !== '') write(setSecretCommand(value))
    },
  }
}
