import { describe, expect, it } from '@jest/globals'
import { maskPieces } from '../../src/core/mask.js'

describe('maskPieces: what is registered with the log masker for one value', () => {
  it('a plain value is masked as a whole, once', () => {
    expect(maskPieces('s3cr3t-value')).toEqual(['s3cr3t-value'])
  })

  it('a multi-line value: the whole value, each non-empty line, and the JSON-escaped form', () => {
    const pem = '-----BEGIN KEY-----\r\nAAAA\n\n   \nBBBB\n-----END KEY-----'
    const pieces = maskPieces(pem)
    expect(pieces).toEqual(expect.arrayContaining([pem, '-----BEGIN KEY-----', 'AAAA', 'BBBB', '-----END KEY-----', JSON.stringify(pem).slice(1, -1)]))
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

  it('registers every piece once', () => {
    const pieces = maskPieces(JSON.stringify({ a: 'same', b: 'same' }))
    expect(pieces.filter((p) => p === 'same')).toHaveLength(1)
  })
})
