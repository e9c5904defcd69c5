import { describe, expect, it } from '@jest/globals'
import { rejectionOf } from '../../__fixtures__/expect.js'
import { VaultOidcError } from '../../src/lib/errors.js'
import { decodeValue, selectEntry, stringifyValue } from '../../src/core/select.js'
import { parseSecretsSpec } from '../../src/core/spec.js'

const STORED = {
  str: 'abc',
  multi: 'line one\nline two',
  empty: '',
  jsonText: '{"a":1}',
  int: 5,
  dec: 1.5,
  yes: true,
  no: false,
  zero: 0,
  nothing: null,
  obj: { a: 1, b: [1, 2] },
  arr: ['x'],
  objs: [{ k: 1 }],
  'api-key': 'hyphenated',
  'a.b': 'dotted key',
  nested: { a: { b: 'deep' } },
}

const kv2 = (data: Record<string, unknown>) => ({ data: { data, metadata: { version: 3 } } })
const kv1 = (data: Record<string, unknown>) => ({ data })

/** Selects one entry written in the secrets syntax and returns [outputName, envName, value] triples. */
async function select(spec: string, body: { data?: unknown }, kvVersion?: 1 | 2): Promise<Array<[string, string, string]>> {
  const [entry] = parseSecretsSpec(spec)
  if (!entry) throw new Error('no entry')
  return (await selectEntry(entry, body, kvVersion)).map((v) => [v.outputName, v.envName, v.value])
}

async function value(spec: string, body: { data?: unknown }, kvVersion?: 1 | 2): Promise<string | undefined> {
  return (await select(spec, body, kvVersion))[0]?.[2]
}

describe('values are the strings vault-action exports', () => {
  it.each([
    ['str', 'abc'],
    ['multi', 'line one\nline two'],
    ['empty', ''],
    ['jsonText', '{"a":1}'],
    ['int', '5'],
    ['dec', '1.5'],
    ['yes', 'true'],
    ['no', 'false'],
    ['zero', '0'],
    ['nothing', 'null'],
    ['obj', '{"a":1,"b":[1,2]}'],
    ['arr', '["x"]'],
    ['objs', '[{"k":1}]'],
  ])('%s → %j (KV v2 and KV v1 alike)', async (key, expected) => {
    expect(await value(`secret/app ${key}`, kv2(STORED), 2)).toBe(expected)
    expect(await value(`kv/app ${key}`, kv1(STORED), 1)).toBe(expected)
    expect(await value(`secret/app ${key}`, kv2(STORED), undefined)).toBe(expected)
  })

  it('reads a quoted hyphenated key, a nested path a.b, and a backticked key that contains a dot', async () => {
    expect(await select('secret/app "api-key"', kv2(STORED), 2)).toEqual([['apikey', 'APIKEY', 'hyphenated']])
    expect(await select('secret/app nested.a.b', kv2(STORED), 2)).toEqual([['nested__a__b', 'NESTED__A__B', 'deep']])
    expect(await select('secret/app `a.b`', kv2(STORED), 2)).toEqual([['a__b', 'A__B', 'dotted key']])
    expect(await select('secret/app nested | N', kv2(STORED), 2)).toEqual([['N', 'N', '{"a":{"b":"deep"}}']])
  })

  it('selects any field of a non-KV response (e.g. a dynamic secret) under data', async () => {
    const body = { data: { username: 'v-user', password: 'p' }, lease_id: 'database/creds/ro/abc', lease_duration: 60 }
    expect(await select('database/creds/ro username', body)).toEqual([['username', 'USERNAME', 'v-user']])
  })
})

describe('KV v1 and v2 response shapes', () => {
  const v1WithDataKey = kv1({ data: 'inner', user: 'alice' })

  it('reads a KV v1 secret that has a key named "data" correctly when the mount is known to be v1', async () => {
    expect(await value('kv/app user', v1WithDataKey, 1)).toBe('alice')
    expect(await value('kv/app data', v1WithDataKey, 1)).toBe('inner')
  })

  it('keeps vault-action\'s shape rule when the mount version is unknown (the "data" key is taken for KV v2)', async () => {
    await expect(value('kv/app user', v1WithDataKey, undefined)).rejects.toThrow('no value for "user"')
  })
})

describe('wildcards expand top-level keys', () => {
  const aws = kv2({ access_key: 'AK', 'secret-key': 'SK', 'region.name': 'eu', cfg: { x: 1 } })

  it('"*" upper-cases env names and keeps output names, one value per key', async () => {
    expect(await select('secret/aws *', aws, 2)).toEqual([
      ['access_key', 'ACCESS_KEY', 'AK'],
      ['secretkey', 'SECRETKEY', 'SK'],
      ['region__name', 'REGION__NAME', 'eu'],
      ['cfg', 'CFG', '{"x":1}'],
    ])
  })

  it('"**" keeps the case of env names', async () => {
    expect((await select('secret/aws **', aws, 2)).map((r) => r[1])).toEqual(['access_key', 'secretkey', 'region__name', 'cfg'])
  })

  it('a "| PREFIX" is prepended and normalised with the key; "*" upper-cases the prefix too', async () => {
    expect((await select('secret/aws * | aws-', aws, 2))[0]).toEqual(['awsaccess_key', 'AWSACCESS_KEY', 'AK'])
    expect((await select('secret/aws ** | My.', aws, 2))[0]).toEqual(['My__access_key', 'My__access_key', 'AK'])
  })

  it('"* | *" names each value by its bare key (vault-action\'s special case)', async () => {
    expect((await select('secret/aws * | *', aws, 2))[0]).toEqual(['access_key', 'ACCESS_KEY', 'AK'])
  })

  it('expands a KV v1 secret', async () => {
    expect(await select('kv/app **', kv1({ a: '1', b: 2 }), 1)).toEqual([
      ['a', 'a', '1'],
      ['b', 'b', '2'],
    ])
  })

  it('fails with the entry when there is nothing to expand', async () => {
    await expect(select('secret/aws *', { data: 'text' })).rejects.toThrow(
      'secrets entry 1 ("secret/aws *"): the response has no key/value data to expand "*" over',
    )
  })
})

describe('a missing key', () => {
  it('names the entry, the selector and the keys that exist', async () => {
    const err = await rejectionOf(select('secret/app pasword', kv2({ password: 'x', user: 'y' }), 2), VaultOidcError)
    expect(err.message).toBe('secrets entry 1 ("secret/app pasword"): no value for "pasword" (keys there: password, user)')
  })

  it('points at backticks when a dotted selector was meant as one key', async () => {
    await expect(select('secret/app a.b', kv2({ 'a.b': 'x' }), 2)).rejects.toThrow('write `a.b` in backticks for a key that contains a dot')
  })

  it('says so when the secret has no keys, and never prints values', async () => {
    const err = await rejectionOf(select('secret/app x', kv2({}), 2))
    expect(err.message).toContain('the secret has no keys')
    const withValues = await rejectionOf(select('secret/app x', kv2({ k: 'very-secret-value' }), 2))
    expect(withValues.message).not.toContain('very-secret-value')
  })
})

describe('secretEncodingType', () => {
  it.each([
    ['base64', Buffer.from('hello\nworld').toString('base64'), 'hello\nworld'],
    ['hex', Buffer.from('héllo').toString('hex'), 'héllo'],
    ['utf8', 'plain', 'plain'],
  ] as const)('%s decodes to UTF-8 text', (encoding, raw, decoded) => {
    expect(decodeValue(raw, encoding)).toBe(decoded)
  })

  it('leaves values alone when unset', () => {
    expect(decodeValue('aGVsbG8=', undefined)).toBe('aGVsbG8=')
  })

  it('stringifyValue returns undefined only for undefined', () => {
    expect(stringifyValue(undefined)).toBeUndefined()
    expect(stringifyValue('"quoted"')).toBe('"quoted"')
  })
})

describe('selector failures never quote the secret', () => {
  it.each(['password.$number($)', 'password.$error($)', 'password.$lowercase($).$number($)'])(
    '%s: an error naming the entry and the JSONata code, without the value',
    async (selector) => {
      const err = await rejectionOf(select(`secret/app ${selector} | X`, kv2({ password: 'hunter2-SECRET' })), VaultOidcError)
      expect(err.message).toMatch(
        /^secrets entry 1 \("secret\/app .*"\): the selector ".*" failed when applied to the secret \(JSONata error [A-Z]\d{4}/,
      )
      expect(err.message).not.toMatch(/hunter|SECRET|hun/)
    },
  )
})

describe('wildcards over keys JSONata cannot spell', () => {
  it('takes keys with quotes, backslashes and backticks as they are', async () => {
    const body = kv2({ 'say"hi': 'q', 'back\\slash': 'b', 'tick`.dot': { n: 1 }, plain: 'p' })
    expect(await select('secret/app **', body)).toEqual([
      ['sayhi', 'sayhi', 'q'],
      ['backslash', 'backslash', 'b'],
      ['tick__dot', 'tick__dot', '{"n":1}'],
      ['plain', 'plain', 'p'],
    ])
  })
})
