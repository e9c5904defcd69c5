import { describe, expect, it } from '@jest/globals'
import { thrownBy } from '../../__fixtures__/expect.js'
import { InputError } from '../../src/lib/errors.js'
import { parseSecretsSpec, printSecretsSpec, splitEntries } from '../../src/core/spec.js'

/** The message parseSecretsSpec throws for `text` (fails the test when it does not throw). */
const parseError = (text: string, input = 'secrets'): string => thrownBy(() => parseSecretsSpec(text, input), InputError).message

describe('secrets syntax: entries', () => {
  it('splits on ";" and on newlines, ignoring blank pieces and surrounding space', () => {
    expect(splitEntries(' a b ;\n\n c d\r\ne f;; ')).toEqual(['a b', 'c d', 'e f'])
    const entries = parseSecretsSpec('secret/a k1 ; secret/b k2\nsecret/c k3\n')
    expect(entries.map((e) => [e.index, e.path, e.selector])).toEqual([
      [1, 'secret/a', 'k1'],
      [2, 'secret/b', 'k2'],
      [3, 'secret/c', 'k3'],
    ])
  })

  it('takes "| NAME" verbatim for both the output and the env name (no normalisation, no upper-casing)', () => {
    const [e] = parseSecretsSpec('secret/data/app password | my.Db-Pass')
    expect(e).toMatchObject({
      path: 'secret/data/app',
      selector: 'password',
      name: 'my.Db-Pass',
      outputName: 'my.Db-Pass',
      envName: 'my.Db-Pass',
      dropped: [],
    })
  })

  it('uses the last "|" so a name can follow a selector that contains one', () => {
    const [e] = parseSecretsSpec('secret/app "a|b" | AB')
    expect(e).toMatchObject({ selector: 'a|b', envName: 'AB' })
  })

  it('derives names from the selector when no name is given', () => {
    const [plain, nested, backticked, hyphen, single] = parseSecretsSpec('s/p npmToken; s/p a.b.c; s/p `a.b`; s/p "api-key"; s/p \'foo\'')
    expect([plain?.outputName, plain?.envName]).toEqual(['npmToken', 'NPMTOKEN'])
    expect([nested?.outputName, nested?.envName]).toEqual(['a__b__c', 'A__B__C'])
    expect([backticked?.selector, backticked?.outputName, backticked?.envName, backticked?.dropped]).toEqual(['`a.b`', 'a__b', 'A__B', []])
    expect([hyphen?.selector, hyphen?.outputName, hyphen?.envName, hyphen?.dropped]).toEqual(['api-key', 'apikey', 'APIKEY', ['-']])
    expect([single?.selector, single?.outputName]).toEqual(["'foo'", 'foo'])
  })

  it('removes every double quote from the selector, as vault-action does, and allows spaces inside quotes', () => {
    const [e] = parseSecretsSpec('secret/app "my key"')
    expect(e).toMatchObject({ selector: 'my key', outputName: 'mykey', envName: 'MYKEY', dropped: [' '] })
  })

  it('keeps the query string of a path (version pinning)', () => {
    expect(parseSecretsSpec('secret/app?version=3 password')[0]?.path).toBe('secret/app?version=3')
  })
})

describe('secrets syntax: wildcards', () => {
  it.each([
    ['secret/aws *', 'wildcard-upper', undefined, ''],
    ['secret/aws **', 'wildcard', undefined, ''],
    ['secret/aws "*"', 'wildcard-upper', undefined, ''],
    ['secret/aws * | AWS_', 'wildcard-upper', 'AWS_', 'AWS_'],
    ['secret/aws ** | aws.', 'wildcard', 'aws.', 'aws.'],
  ])('%s', (text, kind, name, prefix) => {
    const [e] = parseSecretsSpec(text)
    expect(e?.kind).toBe(kind)
    expect(e?.name).toBe(name)
    expect(e?.outputName).toBe(prefix)
    expect(e?.envName).toBe(prefix)
  })
})

describe('secrets syntax: JSONata selectors', () => {
  it.each(['foo[0]', '123', '$x', '$uppercase(a)'])('"%s" needs "| NAME", and is accepted with one', (selector) => {
    expect(parseError(`secret/app ${selector}`)).toBe(
      `input "secrets": entry 1 ("secret/app ${selector}"): a JSONata expression needs a name: add "| NAME"`,
    )
    expect(parseSecretsSpec(`secret/app ${selector} | OUT`)[0]).toMatchObject({ selector, envName: 'OUT', outputName: 'OUT' })
  })

  it('explains that an unquoted hyphen is a subtraction and shows how to quote it', () => {
    const msg = parseError('secret/app ok\nsecret/app api-key')
    expect(msg).toContain('input "secrets": entry 2 ("secret/app api-key")')
    expect(msg).toContain('add "| NAME"')
    expect(msg).toContain('(JSONata reads api-key as a subtraction): secret/app "api-key"')
    expect(msg).not.toContain('\\')
  })

  it('names the selector and the entry on a JSONata syntax error', () => {
    const msg = parseError('secret/app password; secret/app foo[')
    expect(msg).toMatch(/^input "secrets": entry 2 \("secret\/app foo\["\): "foo\[" is not a valid JSONata selector \(.+\)/)
  })
})

describe('secrets syntax: errors name the input and the entry', () => {
  it.each([
    ['secret/app password |', 'entry 1 ("secret/app password |"): nothing after "|"'],
    ['secret/app', 'entry 1 ("secret/app"): expected "<path> <key> [| NAME]"'],
    ['secret/app password extra', 'entry 1 ("secret/app password extra"): expected "<path> <key> [| NAME]"'],
    ['a b; secret/app | X', 'entry 2 ("secret/app | X"): expected "<path> <key> [| NAME]"'],
    ['secret/app "-"', 'entry 1 ("secret/app "-""): no usable variable name can be derived from "-"; add "| NAME"'],
  ])('%s', (text, detail) => {
    expect(parseError(text, 'secrets')).toContain(`input "secrets": ${detail}`)
  })

  it('uses the input name it is given (the CLI passes its own)', () => {
    expect(parseError('x', '--secret')).toMatch(/^input "--secret": entry 1/)
  })

  it('reads two lines as two entries where vault-action would have merged them into one bad entry', () => {
    expect(parseSecretsSpec('secret/a x\nsecret/b y')).toHaveLength(2)
  })

  it.each([
    ['secret/data/app\n  password | DB_PASSWORD ;', 'secret/data/app password | DB_PASSWORD'],
    ['secret/data/app password\n  | DB_PASSWORD ;', 'secret/data/app password | DB_PASSWORD'],
    ['secret/data/app password |\n DB_PASSWORD ;', 'secret/data/app password | DB_PASSWORD'],
    ['secret/data/app\r\npassword', 'secret/data/app password'],
  ])('an entry wrapped over lines reads as one entry, as in vault-action: %j', (text, source) => {
    expect(parseSecretsSpec(text).map((e) => e.source)).toEqual([source])
  })

  it('whole entries on their own lines inside one ;-piece stay separate', () => {
    expect(parseSecretsSpec('secret/a x | X\nsecret/b y;\nsecret/c\nz').map((e) => e.source)).toEqual([
      'secret/a x | X',
      'secret/b y',
      'secret/c z',
    ])
  })
})

describe('printSecretsSpec', () => {
  it('round-trips entries, quoting selectors with spaces', () => {
    const entries = parseSecretsSpec('secret/a "my key" | K; secret/b **; secret/c a.b; secret/d * | P_')
    const printed = printSecretsSpec(entries)
    expect(printed).toBe('secret/a "my key" | K\nsecret/b **\nsecret/c a.b\nsecret/d * | P_')
    expect(parseSecretsSpec(printed).map((e) => [e.path, e.selector, e.name])).toEqual(entries.map((e) => [e.path, e.selector, e.name]))
  })
})
