import { describe, expect, it } from '@jest/globals'
import { maskPieces, SecretScrubber } from '../../src/core/mask.js'

describe('maskPieces: what is registered with the log masker for one value', () => {
  it('a plain value is masked as a whole, once', () => {
    expect(maskPieces('s3cr3t-value')).toEqual(['s3cr3t-value'])
  })

  it('a multi-line value: the whole value, each non-empty line, and the JSON-escaped form', () => {
    const pem = '-----BEGIN KEY-----\r\nAAAA\n\n   \nBBBB\n-----END KEY-----'
    const pieces = maskPieces(pem)
    expect(pieces).toEqual(
      expect.arrayContaining([pem, '-----BEGIN KEY-----', 'AAAA', 'BBBB', '-----END KEY-----', JSON.stringify(pem).slice(1, -1)]),
    )
    expect(pieces).not.toContain('')
    expect(pieces).not.toContain('   ')
  })

  it('a value with quotes or backslashes also gets its JSON-escaped form', () => {
    expect(maskPieces('pa"ss\\word')).toEqual(['pa"ss\\word', 'pa\\"ss\\\\word'])
  })

  it('a JSON object: the text, and every string leaf (with its own lines and escaped form)', () => {
    const json = JSON.stringify({ user: 'admin', creds: { password: 'hunter2', list: ['tok-1', 'multi\nline'] }, port: 5432, on: true })
    const pieces = maskPieces(json)
    expect(pieces).toEqual(expect.arrayContaining([json, 'admin', 'hunter2', 'tok-1', 'multi\nline', 'multi', 'line', 'multi\\nline']))
  })

  it('text that only looks like JSON is masked whole', () => {
    expect(maskPieces('{not json')).toEqual(['{not json'])
    expect(maskPieces('[1, 2')).toEqual(['[1, 2'])
  })

  it('empty values and empty JSON leaves register nothing', () => {
    expect(maskPieces('')).toEqual([])
    expect(maskPieces('{"a":""}')).toEqual(['{"a":""}', '{\\"a\\":\\"\\"}'])
  })

  it('a string leaf that is JSON itself has its leaves masked too (e.g. a service-account key inside a secret)', () => {
    const inner = JSON.stringify({ private_key: '-----BEGIN KEY-----\nAAAA1111\n-----END KEY-----', pw: 'hunter2' })
    const pieces = maskPieces(JSON.stringify({ sa: inner }))
    expect(pieces).toEqual(expect.arrayContaining([inner, 'hunter2', 'AAAA1111', '-----BEGIN KEY-----']))
  })

  it('number leaves of 4+ characters are masked as their text; short numbers and booleans are not', () => {
    const pieces = maskPieces(JSON.stringify({ pin: 123456, port: 80, on: true, rate: 0.25 }))
    expect(pieces).toEqual(expect.arrayContaining(['123456', '0.25']))
    expect(pieces).not.toContain('80')
    expect(pieces).not.toContain('true')
  })

  it('leading and trailing blanks: the value as is and trimmed (an unquoted echo prints it trimmed)', () => {
    expect(maskPieces('  tok-abc  ')).toEqual(['  tok-abc  ', 'tok-abc'])
    expect(maskPieces('key:\n  indented-line  \n')).toEqual(expect.arrayContaining(['  indented-line  ', 'indented-line']))
    expect(maskPieces(' ab ')).toEqual([' ab ']) // a trimmed form under 4 characters is not added
  })

  it('registers every piece once', () => {
    const pieces = maskPieces(JSON.stringify({ a: 'same', b: 'same' }))
    expect(pieces.filter((p) => p === 'same')).toHaveLength(1)
  })
})

describe('SecretScrubber: values taken out of message text', () => {
  it('replaces every registered value and its pieces, longest first, and keeps short values (under 4, e.g. "app") as they are', () => {
    const s = new SecretScrubber()
    s.add('  tok-abc-123  ')
    s.add('{"user":"service-user","pin":"12"}')
    s.add('app')
    expect(s.scrub('a  tok-abc-123   b tok-abc-123 c')).toBe('a*** b *** c')
    expect(s.scrub('user service-user said {\\"user\\":\\"service-user\\",\\"pin\\":\\"12\\"}')).toBe('user *** said ***')
    expect(s.scrub('secret/app/db 12')).toBe('secret/app/db 12')
  })

  it('scrubs messages through its logger and errors in place (class kept)', () => {
    const s = new SecretScrubber()
    s.add('hunter2-secret')
    const seen: string[] = []
    s.logger({
      debug: (m) => void seen.push(m),
      info: (m) => void seen.push(m),
      warning: (m) => void seen.push(m),
      error: (m) => void seen.push(m),
      isDebug: () => true,
    }).warning('got hunter2-secret back')
    expect(seen).toEqual(['got *** back'])
    const err = s.scrubError(new TypeError('x hunter2-secret y'))
    expect([err instanceof TypeError, err.message]).toEqual([true, 'x *** y'])
  })
})
