import { describe, expect, it } from '@jest/globals'
import { droppedCharacters, isValidEnvName, normalizeName } from '../../src/lib/names.js'

describe('vault-action name normalisation', () => {
  it.each([
    ['npmToken', 'npmToken', 'NPMTOKEN'],
    ['test-123', 'test123', 'TEST123'],
    ['a.b.c', 'a__b__c', 'A__B__C'],
    ['`a.b`', 'a__b', 'A__B'],
    ["'foo'", 'foo', 'FOO'],
    ['ß-x.y.z', 'ßx__y__z', 'SSX__Y__Z'],
    ['with space', 'withspace', 'WITHSPACE'],
    ['ключ_1', 'ключ_1', 'КЛЮЧ_1'],
    ['a/b:c@d', 'abcd', 'ABCD'],
  ])('%s → output %s, env %s', (key, output, env) => {
    expect(normalizeName(key, false)).toBe(output)
    expect(normalizeName(key, true)).toBe(env)
  })

  it('reports the characters it drops (dots become "__" and are not reported)', () => {
    expect(droppedCharacters('api-key.v2')).toEqual(['-'])
    expect(droppedCharacters('a b/c-d-e')).toEqual([' ', '/', '-'])
    expect(droppedCharacters('plain_name.x')).toEqual([])
  })

  it('tells portable environment variable names from others', () => {
    expect(isValidEnvName('DB_PASSWORD')).toBe(true)
    expect(isValidEnvName('_x1')).toBe(true)
    expect(isValidEnvName('1ST')).toBe(false)
    expect(isValidEnvName('SSÜ')).toBe(false)
    expect(isValidEnvName('my.name')).toBe(false)
  })
})
