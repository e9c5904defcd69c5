import { describe, expect, it } from '@jest/globals'
import { droppedCharacters, isValidEnvName, normalizeName } from '../../src/lib/names.js'
import { asciiUpper, isProtectedName } from '../../src/lib/protected-names.js'

describe('vault-action name normalisation', () => {
  it.each([
    ['npmToken', 'npmToken', 'NPMTOKEN'],
    ['test-123', 'test123', 'TEST123'],
    ['a.b.c', 'a__b__c', 'A__B__C'],
    ['`a.b`', 'a__b', 'A__B'],
    ["'foo'", 'foo', 'FOO'],
    ['ß-x.y.z', 'ßx__y__z', 'ßX__Y__Z'], // a-z only are upper-cased (vault-action: SSX__Y__Z)
    ['with space', 'withspace', 'WITHSPACE'],
    ['ключ_1', 'ключ_1', 'ключ_1'],
    ['gıthub_path', 'gıthub_path', 'GıTHUB_PATH'], // never GITHUB_PATH: no Unicode case mapping into ASCII
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

describe('protected names (a name chosen by a server key may not be one)', () => {
  it.each([
    'PATH',
    'path',
    'Path',
    'LD_PRELOAD',
    'ld_library_path',
    'DYLD_INSERT_LIBRARIES',
    'NODE_OPTIONS',
    'PYTHONPATH',
    'PERL5OPT',
    'BASH_FUNC_X',
    'https_proxy',
    'HTTP_PROXY',
    'no_proxy',
    'All_Proxy',
    'SSL_CERT_FILE',
    'GIT_SSH_COMMAND',
    'GITHUB_ENV',
    'RUNNER_TEMP',
    'ACTIONS_RUNTIME_TOKEN',
    'CI_JOB_TOKEN',
    'SYSTEM_ACCESSTOKEN',
    'VAULT_TOKEN',
    'vault_addr',
    'BAO_TOKEN',
    'IFS',
    'PS4',
    'ENV',
    '_JAVA_OPTIONS',
  ])('%s is protected', (name) => {
    expect(isProtectedName(name)).toBe(true)
  })

  it.each(['DB_PASSWORD', 'PATHS', 'MY_PATH', 'ENVIRONMENT', 'HOMEPAGE', 'PROXY', 'GITHUBX', 'VAULTED', 'CIRCLE'])('%s is not', (name) => {
    expect(isProtectedName(name)).toBe(false)
  })

  it('compares ASCII case only: a dotless ı is not an I', () => {
    expect(isProtectedName('G\u0131THUB_PATH')).toBe(false)
    expect(asciiUpper('g\u0131thub_path')).toBe('G\u0131THUB_PATH')
  })
})
