/**
 * Text a user or a server controls goes through no super-linear regex: the inputs that used `/\/+$/`-style trims,
 * the JWT-login hints over Vault's errors, the stderr of a token helper. Each case is sized so that the old
 * quadratic code needs minutes; the bounds (seconds) only prove "does not hang".
 */
import { describe, expect, it } from '@jest/globals'
import { readActionConfig } from '../../src/config/action.js'
import { parseHeaders } from '../../src/config/parse.js'
import { MAX_VAULT_ERRORS, vaultErrors } from '../../src/http/client.js'
import { quoteStderr } from '../../src/token-sources/command.js'
import { errorMessage } from '../../src/lib/errors.js'
import { explainJwtFailure } from '../../src/core/jwt-diagnostics.js'

function timed<T>(f: () => T): { result: T; ms: number } {
  const started = performance.now()
  const result = f()
  return { result, ms: performance.now() - started }
}

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('linear handling of long hostile text', () => {
  it('a url and an auth path with 200k slashes are read in linear time', () => {
    const slashes = '/'.repeat(200_000)
    const { result, ms } = timed(() =>
      readActionConfig(
        inputs({
          url: `http://vault.example${slashes}x${slashes}`,
          method: 'approle',
          roleId: 'r',
          path: `${slashes}approle${slashes}x${slashes}`,
        }),
      ),
    )
    expect(result.url).toBe(`http://vault.example${slashes}x`)
    expect(result.auth.path).toBe(`approle${slashes}x`)
    expect(ms).toBeLessThan(3_000)
  })

  it('Vault errors: only the first 20, each at most 500 characters, however many and long they are', () => {
    const body = { errors: Array.from({ length: 100_000 }, (_, i) => `${i}:  ${'x \t'.repeat(5_000)}`) }
    const { result, ms } = timed(() => vaultErrors(body))
    expect(result).toHaveLength(MAX_VAULT_ERRORS + 1)
    expect(result[0]).toBe(`0: ${'x '.repeat(249)}`.slice(0, 500)) // blanks collapsed, then cut at 500
    expect(result.at(-1)).toBe('(and 99980 more errors)')
    expect(ms).toBeLessThan(3_000)
  })

  it('the JWT-login hint over 311 KiB of joined errors (62 s before) is fast and still finds its hint', () => {
    const message = Array.from({ length: 640 }, (_, i) => `error ${i}: ${'role x '.repeat(70)}`).join('; ') + '; role "ci" not found'
    const { result, ms } = timed(() => explainJwtFailure({ vaultMessage: message, status: 400, role: 'ci', mount: 'jwt' }, undefined))
    expect(result).toContain('(cut short)')
    expect(result.length).toBeLessThan(13_000)
    expect(ms).toBeLessThan(3_000)
    // a hint is still given for a short message that needs it
    expect(explainJwtFailure({ vaultMessage: 'role "ci" not found', status: 400, role: 'ci', mount: 'jwt' }, undefined)).toContain(
      'Hint: there is no role "ci" on auth/jwt',
    )
  })

  it("a token helper's stderr full of JWT-like starts is quoted in linear time, with no JWT left in it", () => {
    const stderr = `${'eyJ'.repeat(200_000)}\nfailed: eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl`
    const { result, ms } = timed(() => quoteStderr(stderr))
    expect(result).toBe(': [jwt] / failed: [jwt]')
    expect(ms).toBeLessThan(3_000)
  })

  it('framing headers are refused in any case; ordinary ones still pass', () => {
    for (const name of ['Content-Length', 'TRANSFER-ENCODING', 'host', 'Connection', 'Keep-Alive', 'Upgrade', 'Expect']) {
      expect(() => parseHeaders(`${name}: x`, 'extraHeaders')).toThrow(`input "extraHeaders": line 1: "${name}" cannot be set here`)
    }
    expect(parseHeaders('X-Tenant: a\nx-tenant: b\nAuthorization-Extra: c', 'extraHeaders')).toEqual({
      'x-tenant': 'a, b',
      'authorization-extra': 'c',
    })
  })
})

describe('anything thrown becomes one readable message', () => {
  it.each<[string, unknown, string]>([
    [
      'an Error',
      new RangeError('Cannot create a string longer than 0x1fffffe8 characters'),
      'Cannot create a string longer than 0x1fffffe8 characters',
    ],
    ['an Error without a message', new TypeError(''), 'TypeError without a message'],
    ['a string', 'plain text', 'plain text'],
    ['a number', 42, 'unexpected failure: 42'],
    ['undefined', undefined, 'unexpected failure: undefined'],
    ['an object without a prototype', Object.create(null) as unknown, 'unexpected failure (a value that cannot be printed was thrown)'],
    [
      'an object whose toString throws',
      {
        toString() {
          throw new Error('no')
        },
      },
      'unexpected failure (a value that cannot be printed was thrown)',
    ],
  ])('%s', (_name, thrown, expected) => {
    expect(errorMessage(thrown)).toBe(expected)
  })
})
