/** `path {JSON} selector [| NAME]`: secrets entries that write a body (dynamic secrets that need parameters). */
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/lib/errors.js'
import { parseSecretsSpec, printSecretsSpec } from '../../src/core/spec.js'

function parseError(text: string): string {
  try {
    parseSecretsSpec(text)
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return (err as Error).message
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`)
}

describe('secrets entries with a JSON body', () => {
  it('takes the body between the path and the selector; ";", "|", spaces and newlines inside it do not split the entry', () => {
    const [e, f] = parseSecretsSpec(
      'ssh/sign/ci {"public_key":"ssh-ed25519 AAAA; a|b","valid_principals":"ci"} signed_key | SSH_CERT ; secret/data/app password',
    )
    expect(e).toMatchObject({
      path: 'ssh/sign/ci',
      selector: 'signed_key',
      name: 'SSH_CERT',
      envName: 'SSH_CERT',
      body: { public_key: 'ssh-ed25519 AAAA; a|b', valid_principals: 'ci' },
    })
    expect(f).toMatchObject({ path: 'secret/data/app', selector: 'password' })
    expect(f?.body).toBeUndefined()
    const multi = parseSecretsSpec(
      'transit/encrypt/k {\n  "plaintext": "aGk=",\n  "context": {"a": [1, 2]}\n} ciphertext | CT\naws/sts/deploy {"ttl":"15m"} "*"',
    )
    expect(multi.map((x) => [x.path, x.selector, x.body])).toEqual([
      ['transit/encrypt/k', 'ciphertext', { plaintext: 'aGk=', context: { a: [1, 2] } }],
      ['aws/sts/deploy', '*', { ttl: '15m' }],
    ])
  })

  it('derives names as for any entry and never shows the body in messages', () => {
    const [e] = parseSecretsSpec('aws/creds/deploy {"role_arn":"arn:aws:iam::1:role/x"} access_key')
    expect(e).toMatchObject({ outputName: 'access_key', envName: 'ACCESS_KEY', source: 'aws/creds/deploy {…} access_key' })
    const msg = parseError('aws/creds/deploy {"role_arn":"arn:secret"} $uppercase(a)')
    expect(msg).toContain('a JSONata expression needs a name')
    expect(msg).not.toContain('arn:secret')
  })

  it('keeps the meaning of every form vault-action accepts: a brace selector without a following selector is still JSONata', () => {
    const [e] = parseSecretsSpec('secret/data/x {a:b} | NAME')
    expect(e).toMatchObject({ path: 'secret/data/x', selector: '{a:b}', name: 'NAME' })
    expect(e?.body).toBeUndefined()
  })

  it('rejects a body that is not a JSON object, naming the entry but not echoing the text', () => {
    expect(parseError('ssh/sign/ci {"public_key": "sekrit-key",} signed_key')).toMatch(
      /entry 1 \("ssh\/sign\/ci \{…\}"\): the JSON body is not valid JSON \(error at character \d+\)/,
    )
    expect(parseError('ssh/sign/ci {"public_key": "sekrit-key",} signed_key')).not.toContain('sekrit')
  })

  it('prints back to the same entries', () => {
    const entries = parseSecretsSpec('ssh/sign/ci {"public_key":"k; |","n":[1]} signed_key | SSH ; x/y {"a":1} "*"')
    const strip = (xs: typeof entries) => xs.map(({ source: _source, ...rest }) => rest)
    expect(strip(parseSecretsSpec(printSecretsSpec(entries)))).toEqual(strip(entries))
  })
})
