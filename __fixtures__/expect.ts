/**
 * Shared assertions: how a step (a bundle run like a runner runs it, or the action in-process on a memory platform)
 * succeeded or failed as a user sees it, and the error a function throws or a promise rejects with.
 */
import { expect } from '@jest/globals'
import type { MemoryPlatform } from './memory-platform.js'
import type { RunnerResult } from './runner.js'

/** The step succeeded: exit 0 and no ::error:: (on failure, the assertion shows the step's output). */
export function expectSuccess(r: RunnerResult): void {
  expect(r.stdout + r.stderr).not.toContain('::error::')
  expect(r.code).toBe(0)
}

/** The step failed, exported nothing, and its error (output errorMessage) contains or matches every fragment. */
export function expectFailure(r: RunnerResult, ...fragments: Array<string | RegExp>): string {
  expect(r.code).toBe(1)
  expect(r.env).toEqual({})
  const message = r.outputs.errorMessage ?? ''
  expect(r.stdout).toContain('::error::')
  for (const f of fragments) {
    if (typeof f === 'string') expect(message).toContain(f)
    else expect(message).toMatch(f)
  }
  return message
}

const PREFIX = 'vault-oidc-action: '

/** The in-process step failed once, with the one prefix, and errorMessage holds the same message without it. */
export function expectPlatformFailure(p: MemoryPlatform): string {
  expect(p.failed).toBeDefined()
  const failed = p.failed ?? ''
  expect(failed.startsWith(PREFIX)).toBe(true)
  expect(failed.slice(PREFIX.length)).not.toMatch(/^vault-oidc-action/)
  expect(p.outputs.errorMessage).toBe(failed.slice(PREFIX.length))
  expect(p.events.filter((e) => e.kind === 'failed')).toHaveLength(1)
  return failed.slice(PREFIX.length)
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E

/** The error `f` throws, checked to be a `type` (fails the test when `f` returns). */
export function thrownBy<E extends Error = Error>(f: () => unknown, type?: ErrorClass<E>): E {
  let result: unknown
  try {
    result = f()
  } catch (err) {
    expect(err).toBeInstanceOf(type ?? Error)
    return err as E
  }
  throw new Error(`expected a throw, but it returned ${JSON.stringify(result)?.slice(0, 200)}`)
}

/** The error `promise` rejects with, checked to be a `type` (fails the test when it resolves). */
export async function rejectionOf<E extends Error = Error>(promise: Promise<unknown>, type?: ErrorClass<E>): Promise<E> {
  let result: unknown
  try {
    result = await promise
  } catch (err) {
    expect(err).toBeInstanceOf(type ?? Error)
    return err as E
  }
  throw new Error(`expected a rejection, but it resolved to ${JSON.stringify(result)?.slice(0, 200)}`)
}
