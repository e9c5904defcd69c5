import { afterAll, describe, expect, it } from '@jest/globals'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { writePrivate, appendPrivate } from '../../src/platforms/file.js'
import { dotenvQuote, dotenvUnquote, formatForPath, formatVariables, shellQuote } from '../../src/platforms/formats.js'
import { bashRead, differing, mode, NASTY, pythonDotenv, tempDir } from './helpers.js'

const dir = tempDir()
afterAll(() => dir.remove())
const vars = Object.entries(NASTY)

describe('file formats round-trip every value exactly', () => {
  it('shell: bash `source` reads back each value byte for byte', async () => {
    const file = dir.file('vars.sh')
    await writePrivate(file, formatVariables('shell', vars))
    expect(differing(bashRead(file, Object.keys(NASTY)), NASTY)).toEqual([])
  })

  it('dotenv: python-dotenv and the documented grammar read back each value byte for byte', async () => {
    const file = dir.file('vars.env')
    await writePrivate(file, formatVariables('dotenv', vars))
    expect(differing(pythonDotenv(file), NASTY)).toEqual([])
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1)
    expect(lines).toHaveLength(vars.length)
    const decoded = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), dotenvUnquote(l.slice(l.indexOf('=') + 1))]))
    expect(differing(decoded, NASTY)).toEqual([])
  })

  it('json: JSON.parse reads back each value', async () => {
    const file = dir.file('vars.json')
    await writePrivate(file, formatVariables('json', vars))
    expect(differing(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>, NASTY)).toEqual([])
  })

  it('writes the documented quoting', () => {
    expect(shellQuote(`a'b`)).toBe(`'a'\\''b'`)
    expect(dotenvQuote(`a'b\\c\nd`)).toBe(`"a'b\\\\c\\nd"`)
    expect(dotenvQuote('a\r\n"$b"')).toBe('"a\\r\\n\\"$b\\""')
    expect(formatVariables('shell', [['A', '1']])).toBe("export A='1'\n")
    expect(formatVariables('dotenv', [['A', '1']])).toBe('A="1"\n')
  })

  it('picks the format from the file name', () => {
    expect(formatForPath('/x/secrets.json')).toBe('json')
    expect(formatForPath('/x/.env')).toBe('dotenv')
    expect(formatForPath('/x/build.env')).toBe('dotenv')
    expect(formatForPath('/x/vars.sh')).toBe('shell')
    expect(formatForPath('/tmp/tmp.XYZ')).toBe('shell')
  })
})

describe('private files', () => {
  it('replaces an existing world-readable file with a 0600 one, even under umask 0', async () => {
    const file = dir.file('replace.env')
    require0644(file)
    const old = process.umask(0)
    try {
      await writePrivate(file, 'A=1\n')
    } finally {
      process.umask(old)
    }
    expect(mode(file)).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe('A=1\n')
  })

  it('appends to $BASH_ENV-style files and tightens them to 0600', async () => {
    const file = dir.file('bash_env')
    require0644(file, 'export PRE=1\n')
    await appendPrivate(file, "export A='1'\n")
    expect(readFileSync(file, 'utf8')).toBe("export PRE=1\nexport A='1'\n")
    expect(mode(file)).toBe(0o600)
  })

  it('names the target when it cannot create the file', async () => {
    await expect(writePrivate(dir.file('missing-dir/x.env'), 'A=1\n')).rejects.toThrow(
      /cannot create a file next to .*missing-dir\/x\.env: ENOENT/,
    )
  })
})

function require0644(file: string, text = 'OLD=1\n'): void {
  writeFileSync(file, text)
  chmodSync(file, 0o644)
}
