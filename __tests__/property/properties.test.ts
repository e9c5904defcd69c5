/**
 * Property tests (fast-check): parsers never fail with anything but InputError, printers and parsers round-trip,
 * the name normaliser is stable, and every writer of values (GitHub's env file, the CLI's shell/dotenv/json
 * formats) reads back to exactly the value written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import fc from 'fast-check'
import jsonata from 'jsonata'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseFileCommand } from '../../__fixtures__/runner.js'
import { parseHeaders } from '../../src/config/parse.js'
import { InputError } from '../../src/lib/errors.js'
import { isValidEnvName, normalizeName } from '../../src/lib/names.js'
import { selectEntry, stringifyValue } from '../../src/core/select.js'
import { parseSecretsSpec, printSecretsSpec, type SecretEntry } from '../../src/core/spec.js'
import { dotenvQuote, dotenvUnquote, formatVariables } from '../../src/platforms/formats.js'

/** Runs `f`; returns its result, or undefined when it threw an InputError; anything else fails the property. */
function parsedOrInputError<T>(f: () => T): T | undefined {
  try {
    return f()
  } catch (err) {
    if (err instanceof InputError) return undefined
    throw err
  }
}

/** Strings with many of the characters the parsers care about, plus arbitrary unicode. */
const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r',
      ';',
      '|',
      '"',
      "'",
      '`',
      '.',
      '-',
      '*',
      '$',
      ':',
      '/',
      '\\',
      '[',
      ']',
      '(',
      ')',
      '{',
      '}',
      '?',
      '=',
      ',',
    ),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
    fc.constantFrom('a', 'b', 'Z', '0', '_'),
  ),
  maxLength: 60,
})

const withoutSource = (entries: readonly SecretEntry[]): Array<Omit<SecretEntry, 'source'>> =>
  entries.map(({ source: _source, ...rest }) => rest)

describe('secrets spec parser', () => {
  it('never throws anything but InputError', () => {
    fc.assert(
      fc.property(tricky, (text) => void parsedOrInputError(() => parseSecretsSpec(text))),
      { numRuns: 2000 },
    )
  })

  it('parse(print(entries)) gives the same entries, and printing is idempotent', () => {
    const path = fc.stringMatching(/^[a-z0-9_][a-z0-9_/.-]{0,20}(\?version=[0-9])?$/)
    const key = fc.oneof(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
      fc.stringMatching(/^[a-z][a-z0-9 _]{0,10}[a-z0-9]$/).map((k) => `"${k}"`),
      fc.constantFrom('*', '**', 'a.b', '`x.y`', '"my-key"'),
    )
    const name = fc.option(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/), { nil: undefined })
    const line = fc
      .tuple(path, key, name, fc.constantFrom(' ', '  ', '\t'))
      .map(([p, k, n, sp]) => `${p}${sp}${k}${n === undefined ? '' : ` ${sp}|${sp}${n}`}`)
    const text = fc
      .tuple(fc.array(line, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', ';', '\r\n', ' ; '))
      .map(([ls, sep]) => ls.join(sep))
    let parsed = 0
    fc.assert(
      fc.property(text, (t) => {
        const entries = parsedOrInputError(() => parseSecretsSpec(t))
        if (entries === undefined) return
        parsed++
        const printed = printSecretsSpec(entries)
        const again = parseSecretsSpec(printed)
        expect(withoutSource(again)).toEqual(withoutSource(entries))
        expect(printSecretsSpec(again)).toBe(printed)
      }),
      { numRuns: 500 },
    )
    expect(parsed).toBeGreaterThan(250) // most generated specs are valid: the round trip really was exercised
  })
})

describe('name normaliser', () => {
  const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 })

  it('keeps only letters, digits and "_" and is idempotent (output names)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (key) => {
        const out = normalizeName(key, false)
        expect(out).toMatch(/^[\p{L}\p{N}_]*$/u)
        expect(normalizeName(out, false)).toBe(out)
      }),
      { numRuns: 1000 },
    )
  })

  it('turns any ASCII key into a valid environment variable name, unless it is empty or starts with a digit', () => {
    fc.assert(
      fc.property(ascii, (key) => {
        const out = normalizeName(key, true)
        expect(out).toMatch(/^[A-Z0-9_]*$/)
        expect(isValidEnvName(out)).toBe(out !== '' && !/^[0-9]/.test(out))
        expect(normalizeName(out, true)).toBe(out)
      }),
      { numRuns: 1000 },
    )
  })

  it('upper-cases a-z only: no other script turns into ASCII (vault-action made U+01F0 "J" + U+030C, "ı" an "I")', () => {
    expect(normalizeName('\u01F0', true)).toBe('\u01F0')
    expect(normalizeName('g\u0131thub_path', true)).toBe('G\u0131THUB_PATH')
    expect(isValidEnvName(normalizeName('\u01F0', true))).toBe(false)
  })
})

describe('header parser (extraHeaders)', () => {
  it('never throws anything but InputError', () => {
    fc.assert(
      fc.property(tricky, (text) => void parsedOrInputError(() => parseHeaders(text, 'extraHeaders'))),
      { numRuns: 2000 },
    )
  })

  it('reads back written headers: names lower-cased, values trimmed, repeated names joined with ", "', () => {
    const headerName = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,16}$/)
    const value = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 })
    fc.assert(
      fc.property(fc.array(fc.tuple(headerName, value), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (pairs, eol) => {
        const expected: Record<string, string> = {}
        for (const [n, v] of pairs) {
          const k = n.toLowerCase()
          expected[k] = k in expected ? `${expected[k]}, ${v.trim()}` : v.trim()
        }
        expect(parseHeaders(pairs.map(([n, v]) => `${n}: ${v}`).join(eol), 'extraHeaders')).toEqual(expected)
      }),
      { numRuns: 500 },
    )
  })
})

describe('value selection', () => {
  it('a plain key selects exactly what JSONata selects (the fast path agrees with data."key")', async () => {
    // keys the secrets syntax can carry inside quotes (no ";", "|" or line break: those separate entries;
    // "*" and "**" are wildcards even when quoted, as in vault-action)
    const key = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => !/[."\\;|\r\n]/.test(k) && k.trim() === k && k !== '' && k !== '*' && k !== '**')
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), key, fc.boolean(), async (data, k, v2) => {
        const body = v2 ? { data: { data, metadata: {} } } : { data }
        const entry = parseSecretsSpec(`secret/x "${k}" | OUT`)[0] as SecretEntry
        const viaJsonata = stringifyValue(await jsonata(`${v2 ? 'data.data.' : 'data.'}"${k}"`).evaluate(body))
        const selected = await selectEntry(entry, body, v2 ? 2 : 1).then(
          (r) => r[0]?.value,
          () => undefined,
        )
        expect(selected).toEqual(viaJsonata)
      }),
      { numRuns: 500 },
    )
  })
})

describe('writers read back exactly', () => {
  let dir: string
  const saved = { env: process.env.GITHUB_ENV, output: process.env.GITHUB_OUTPUT }
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-oidc-prop-'))
  })
  afterAll(async () => {
    for (const [k, v] of [
      ['GITHUB_ENV', saved.env],
      ['GITHUB_OUTPUT', saved.output],
    ] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    delete process.env.PROP_VALUE
    await rm(dir, { recursive: true, force: true })
  })

  it("GitHub's env and output files (@actions/core's writer, the Linux runner's parser) round-trip any string", async () => {
    const envFile = join(dir, 'env')
    const outFile = join(dir, 'output')
    process.env.GITHUB_ENV = envFile
    process.env.GITHUB_OUTPUT = outFile
    // process.env cannot hold NUL, so exportVariable gets strings without it; outputs take anything
    const value = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\n', '\r', '\r\n', '=', '<<', 'ghadelimiter_', '%', ':'),
        fc.string({ unit: 'binary', maxLength: 1 }),
      ),
      maxLength: 80,
    })
    await fc.assert(
      fc.asyncProperty(value, value, async (envValue, outValue) => {
        await writeFile(envFile, '')
        await writeFile(outFile, '')
        const v = envValue.replace(/\0/g, '')
        core.exportVariable('PROP_VALUE', v)
        core.setOutput('prop-out', outValue)
        expect(parseFileCommand(await readFile(envFile, 'utf8'))).toEqual({ PROP_VALUE: v })
        expect(parseFileCommand(await readFile(outFile, 'utf8'))).toEqual({ 'prop-out': outValue })
      }),
      { numRuns: 500 },
    )
  })

  it('CLI dotenv quoting: one line, and unquoting gives back any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (v) => {
        const q = dotenvQuote(v)
        expect(q).not.toMatch(/[\r\n]/)
        expect(dotenvUnquote(q)).toBe(v)
      }),
      { numRuns: 2000 },
    )
  })

  it('CLI shell format: bash `source` gives back any string without NUL, and defines only the names written', async () => {
    const noNul = fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", '"', '\\', '$', '`', '\n', '\r', '!', '$(id)', '${X}', '\t'),
        fc.string({ unit: 'binary', maxLength: 1 }).filter((c) => c !== '\0'),
      ),
      maxLength: 40,
    })
    const file = join(dir, 'vars.sh')
    await fc.assert(
      fc.asyncProperty(fc.array(noNul, { minLength: 1, maxLength: 15 }), async (vals) => {
        const vars = vals.map((v, i) => [`V${i}`, v] as const)
        await writeFile(file, formatVariables('shell', vars))
        const script = `source "$1"; for i in $(seq 0 ${vals.length - 1}); do n="V$i"; printf '%s\\0' "\${!n}"; done; compgen -v | grep -c '^V[0-9]' || true`
        const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', file], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '' },
        })
        const parts = out.split('\0')
        expect(parts.slice(0, vals.length)).toEqual(vals)
        expect(Number(parts[vals.length])).toBe(vals.length)
      }),
      { numRuns: 40 },
    )
  })
})
