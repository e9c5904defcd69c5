/**
 * The leak corpus through the bundled action (runner-style, debug logging on) and through the CLI's file sinks:
 * nothing leaks into stdout, stderr or the job summary; every value is registered as a mask (each line too);
 * every sink reads back to the exact value; no value injects a variable or a workflow command.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeVault, type FakeVault } from '../../__fixtures__/fake-vault.js'
import { runBundle, type RunnerResult } from '../../__fixtures__/runner.js'
import { dotenvUnquote } from '../../src/platforms/formats.js'
import { CORPUS, MIN_LEAK_LENGTH, OBJECT_VALUE } from './corpus.js'

const name = (i: number): string => `LEAK_${String(i).padStart(2, '0')}`
const expected: Record<string, string> = Object.fromEntries([
  ...CORPUS.map((v, i) => [name(i), v]),
  ['LEAK_OBJECT', JSON.stringify(OBJECT_VALUE)],
])
const values = Object.values(expected)
const spec = [...CORPUS.map((_, i) => `secret/leaks k${i} | ${name(i)}`), 'secret/leaks obj | LEAK_OBJECT'].join('\n')
const lines = (v: string): string[] => v.split(/\r\n|\r|\n/)

/** Every value or line of a value (at least MIN_LEAK_LENGTH long, trimmed) that occurs in `text`. */
function exposed(text: string): string[] {
  const found = new Set<string>()
  for (const v of values)
    for (const piece of [v, ...lines(v)]) if (piece.trim().length >= MIN_LEAK_LENGTH && text.includes(piece)) found.add(piece)
  return [...found]
}

let fake: FakeVault
let dir: string
beforeAll(async () => {
  fake = await startFakeVault()
  fake.kv2('secret', 'leaks', { ...Object.fromEntries(CORPUS.map((v, i) => [`k${i}`, v])), obj: OBJECT_VALUE })
  dir = await mkdtemp(join(tmpdir(), 'vault-oidc-leaks-'))
})
afterAll(async () => {
  await fake?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('leak corpus', () => {
  it(`has at least 40 distinct values, including a 64 KB one and a 1-character one`, () => {
    expect(new Set(CORPUS).size).toBe(CORPUS.length)
    expect(CORPUS.length).toBeGreaterThanOrEqual(40)
    expect(Math.max(...CORPUS.map((v) => v.length))).toBeGreaterThanOrEqual(64 * 1024)
    expect(CORPUS.some((v) => v.length === 1)).toBe(true)
  })

  describe('the action (ACTIONS_STEP_DEBUG=true, RUNNER_DEBUG=1)', () => {
    let r: RunnerResult
    beforeAll(async () => {
      r = await runBundle('main', {
        inputs: { url: fake.url, token: 'hvs.leak-test', secrets: spec },
        env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
      })
    })

    it('succeeds and exports every value exactly, as env and as output, and nothing else', () => {
      expect(r.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([])
      expect(r.code).toBe(0)
      expect(r.env).toEqual(expected)
      expect(r.outputs).toEqual(expected)
    })

    it('registers every value and every non-blank line of it (4+ characters) as a mask, before the step reports the export', () => {
      const out = r.stdout.split('\n')
      expect(out.map((l) => l.startsWith('::add-mask::')).lastIndexOf(true)).toBeLessThan(out.findIndex((l) => l.startsWith('exported ')))
      const masks = new Set(r.masks)
      for (const v of values)
        for (const piece of [v, ...lines(v).filter((p) => p.trim() !== '' && p.length >= 4)]) expect(masks.has(piece)).toBe(true)
      for (const leaf of ['obj-user-ve4', 'obj-token-wf5', 'second-line-xg6', 'obj-item-yh7', 'admin-hz8', 'hunter2-jq0'])
        expect(masks.has(leaf)).toBe(true)
    })

    it(`prints no value and no line of one (≥ ${MIN_LEAK_LENGTH} characters) in stdout, stderr or the summary`, () => {
      expect(r.log.includes('::debug::')).toBe(true) // debug logging really was on
      expect(exposed(r.log)).toEqual([])
      expect(exposed(r.stderr)).toEqual([])
      expect(exposed(r.summary)).toEqual([])
      expect(r.summary.includes('LEAK_00')).toBe(true)
    })

    it('emits no workflow command but its own: every :: line is a mask, a debug line or a known annotation', () => {
      const commands = r.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l))
      for (const l of commands) expect(l).toMatch(/^::(add-mask|debug|warning|notice)::/)
      // a mask's payload is one escaped line: a value's newline cannot start a new command
      for (const l of commands.filter((c) => c.startsWith('::add-mask::'))) expect(l).not.toMatch(/[\r]/)
    })
  })

  describe('the CLI file sinks (--format, --output)', () => {
    async function cli(format: 'dotenv' | 'shell' | 'json'): Promise<{ result: RunnerResult; text: string; file: string }> {
      const file = join(dir, `out.${format}`)
      const specFile = join(dir, 'spec.txt')
      await writeFile(specFile, spec)
      const args = [
        'export',
        '--url',
        fake.url,
        '--method',
        'token',
        '--token',
        'hvs.leak-test',
        '--secrets-file',
        specFile,
        '--format',
        format,
        '--output',
        file,
        '--debug',
      ]
      const result = await runBundle('cli', { env: { GITHUB_ACTIONS: undefined, VAULT_OIDC_DEBUG: '1' } }, args)
      expect(result.code).toBe(0)
      expect(exposed(result.stdout)).toEqual([])
      expect(exposed(result.stderr)).toEqual([])
      return { result, text: await readFile(file, 'utf8'), file }
    }

    it('shell: `source` in bash gives back every value exactly and defines nothing else', async () => {
      const { file, text } = await cli('shell')
      expect(text.split('\n').filter((l) => /^export /.test(l))).toHaveLength(values.length)
      const names = Object.keys(expected)
      const script =
        `set -eu; before="$(compgen -v | sort)"; source "$1"; after="$(compgen -v | sort)"; ` +
        `comm -13 <(echo "$before") <(echo "$after") | grep -v '^before$' | tr '\\n' ' ' ; printf '\\0'; ` +
        `for n in ${names.join(' ')}; do printf '%s\\0' "\${!n}"; done`
      const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', file], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        maxBuffer: 16 * 1024 * 1024,
      })
      const [defined, ...read] = out.split('\0')
      expect((defined ?? '').trim().split(/\s+/).sort()).toEqual([...names].sort())
      expect(Object.fromEntries(names.map((n, i) => [n, read[i]]))).toEqual(expected)
    })

    it('dotenv: one NAME="…" line per variable; unquoting gives back every value exactly', async () => {
      const { text } = await cli('dotenv')
      const entries = text.split('\n').filter((l) => l !== '')
      expect(entries).toHaveLength(values.length)
      const parsed: Record<string, string> = {}
      for (const line of entries) {
        const m = /^([A-Z_][A-Z0-9_]*)=(".*")$/.exec(line)
        expect(m).not.toBeNull()
        parsed[m?.[1] ?? ''] = dotenvUnquote(m?.[2] ?? '""')
      }
      expect(parsed).toEqual(expected)
    })

    it('json: parses back to exactly the values', async () => {
      const { text } = await cli('json')
      expect(JSON.parse(text)).toEqual(expected)
    })
  })
})
