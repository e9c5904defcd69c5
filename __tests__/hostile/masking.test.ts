/**
 * A server that quotes one path's value in another path's error: each value is masked when its response is parsed
 * (not after every read), and every value read so far is scrubbed from error text — `errorMessage`, the failure
 * annotation, the CLI's stderr (on CIs that cannot mask, scrubbing is the only guard). Short JSON leaves are not
 * masks of their own (they would hide common words in every later line); the whole value always is.
 */
import { describe, expect, it } from '@jest/globals'
import { runBundle } from '../../__fixtures__/runner.js'
import { runMainStep, useFakeVault } from '../action/helpers.js'
import { cli, tempDir } from '../cli/helpers.js'

const t = useFakeVault()

const A_VALUE = 'path-A-secret-value-9f3k'

/** secret/a answers at once; secret/b answers (later) with an error that quotes A's value. */
function quotingServer(status: number): void {
  t.fake.kv2('secret', 'a', { v: A_VALUE })
  t.fake.kv2('secret', 'b', { v: 'unused' })
  t.fake.on('GET /v1/secret/data/b', () => ({
    status,
    delayMs: 100,
    body: { errors: [`backend said: cannot compare with "${A_VALUE}" (and ${JSON.stringify(JSON.stringify(A_VALUE))})`] },
  }))
}

describe("one path's error quoting another path's value", () => {
  it('the action: masked before the failure, and scrubbed from errorMessage and the failure annotation', async () => {
    quotingServer(400)
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/a v | A; secret/b v | B' })
    expect(p.outputs.errorMessage).toBe('read "secret/data/b": HTTP 400: backend said: cannot compare with "***" (and "\\"***\\"")')
    expect(p.failed).toBe(`vault-oidc-action: ${p.outputs.errorMessage}`)
    const maskAt = p.events.findIndex((e) => e.kind === 'mask' && e.value === A_VALUE)
    expect(maskAt).toBeGreaterThan(-1)
    expect(maskAt).toBeLessThan(p.events.findIndex((e) => e.kind === 'failed'))
    expect(p.env).toEqual({})
  })

  it('the bundled action: no line of stdout or stderr shows the value', async () => {
    quotingServer(400)
    const r = await runBundle('main', {
      inputs: { url: t.fake.url, token: 'hvs.t', secrets: 'secret/a v | A; secret/b v | B' },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    })
    expect(r.code).toBe(1)
    expect(r.masks).toContain(A_VALUE)
    expect(r.log + r.errLog).not.toContain(A_VALUE)
    expect(r.outputs.errorMessage).not.toContain(A_VALUE)
  })

  it('the CLI on a CI that cannot mask: stderr is scrubbed', async () => {
    quotingServer(400)
    const dir = tempDir()
    try {
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/a v | A; secret/b v | B', '--output', dir.file('o.env')], {
        GITLAB_CI: 'true',
        VAULT_ADDR: t.fake.url,
      })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('cannot compare with "***"')
      expect(run.stdout + run.stderr).not.toContain(A_VALUE)
    } finally {
      dir.remove()
    }
  })

  it('a warning after a read (ignoreNotFound) is scrubbed too', async () => {
    t.fake.kv2('secret', 'a', { v: A_VALUE })
    t.fake.on('GET /v1/secret/data/gone', () => ({
      status: 404,
      delayMs: 100,
      body: { errors: [], data: { metadata: { version: 3, deletion_time: `at ${A_VALUE}` } } },
    }))
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/a v | A; secret/gone v | G', ignoreNotFound: 'true' })
    expect(p.failed).toBeUndefined()
    expect(p.lines('warning').join('\n')).toContain('version 3 was deleted at at ***')
    expect(p.logText()).not.toContain(A_VALUE)
  })
})

describe('short pieces of a value', () => {
  it('short JSON leaves and short lines are not masks of their own; the whole value always is, however short', async () => {
    t.fake.kv2('secret', 'app', { json: '{"db":"on","port":7,"user":"service-user-x"}', lines: 'ab\nlonger-line-here', tiny: 'q' })
    const p = await runMainStep(t.fake.url, { token: 'hvs.t', secrets: 'secret/app json | J; secret/app lines | L; secret/app tiny | T' })
    expect(p.failed).toBeUndefined()
    for (const piece of ['{"db":"on","port":7,"user":"service-user-x"}', 'service-user-x', 'ab\nlonger-line-here', 'longer-line-here', 'q'])
      expect(p.masks).toContain(piece)
    for (const piece of ['db', 'on', '7', 'ab']) expect(p.masks).not.toContain(piece)
  })
})
