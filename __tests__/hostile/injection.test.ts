/**
 * A hostile or spoofed server (or identity provider) whose text reaches the log: a PKI serial, Vault errors, check
 * mode's policy names, OAuth2 errors and JWT claims carry line breaks, GitHub workflow commands (`::stop-commands::`,
 * `::warning::`), Azure logging commands (`##vso[…]`) and Markdown/HTML for the job summary. None of it may act as
 * a command, start a line of its own, or break out of the summary's code block; masks for a response go out before
 * any line derived from it.
 */
import { describe, expect, it } from '@jest/globals'
import { runBundle } from '../../__fixtures__/runner.js'
import { useFakeVault } from '../action/helpers.js'
import { cli, tempDir } from '../cli/helpers.js'
import { explainJwtFailure, describeClaims, safeClaims } from '../../src/core/jwt-diagnostics.js'
import { guardLines, markdownBlock, markdownCode, untrusted } from '../../src/lib/untrusted.js'

const t = useFakeVault()

/**
 * Lines a GitHub runner or an Azure agent would take as a command, other than the ones we write on purpose
 * (::add-mask::/::debug::/::warning::/::error:: with escaped data, ##vso[task.setsecret]).
 */
function commandLines(text: string): string[] {
  return text.split(/\r?\n|\r/).filter((l) => {
    if (/##vso\[/i.test(l)) return !l.startsWith('##vso[task.setsecret]')
    if (/^\s*##\[/.test(l)) return true
    if (!/^\s*::/.test(l)) return false
    return !/^::(add-mask|debug|warning|error)::/.test(l) || /^::(warning|error)::fake/.test(l) || l === '::add-mask::x'
  })
}

const KEY_LINES = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEpAIBAAKCAQEAhostileKEYline1',
  'hostileKEYline2xyz',
  '-----END RSA PRIVATE KEY-----',
]

describe('a PKI serial number from the server', () => {
  it('cannot stop workflow commands, and is printed after the private key is masked', async () => {
    t.fake.on('POST /v1/pki/issue/web', () => ({
      status: 200,
      body: {
        data: {
          certificate: 'CERT-hostile-body',
          private_key: KEY_LINES.join('\n'),
          issuing_ca: 'CA-hostile-body',
          ca_chain: ['CA-hostile-body'],
          serial_number: 'x\n::stop-commands::T\n##vso[task.setvariable variable=X]y',
        },
      },
    }))
    const r = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.t', pki: 'pki/issue/web {"common_name":"a.example.com"}' } })
    expect(r.code).toBe(0)
    const out = r.stdout.split('\n')
    expect(out).not.toContain('::stop-commands::T')
    expect(commandLines(r.stdout + r.stderr)).toEqual([])
    const serialLine = out.findIndex((l) => l.includes('issued a certificate'))
    expect(out[serialLine]).toBe(
      'issued a certificate at "pki/issue/web" (serial x\\n::stop-commands::T\\n##vso\\x5btask.setvariable variable=X]y)',
    )
    for (const line of KEY_LINES) expect(out.indexOf(`::add-mask::${line}`)).toBeGreaterThan(-1)
    for (const line of KEY_LINES) expect(out.indexOf(`::add-mask::${line}`)).toBeLessThan(serialLine)
  })
})

describe("check mode's policy names", () => {
  it("make no annotation and do not break out of the summary's code block", async () => {
    t.fake.kv2('secret', 'app', { a: 'value-zz' })
    t.fake.on('POST /v1/sys/capabilities-self', () => ({
      status: 200,
      body: { data: { 'secret/data/app': ['read', 'x\n::warning::fake'] } },
    }))
    t.fake.on('GET /v1/auth/token/lookup-self', () => ({
      status: 200,
      body: {
        data: {
          policies: ['default', 'p\n::warning::fake cap', '```\n<img src="https://attacker.example/beacon">\n```', '##[error]fake'],
          ttl: 60,
        },
      },
    }))
    const r = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.t', secrets: 'secret/app a', check: 'true' } })
    expect(r.code).toBe(0)
    expect(commandLines(r.stdout + r.stderr)).toEqual([])
    expect(r.stdout).not.toMatch(/^::warning::fake/m)
    const lines = r.summary.split('\n')
    const open = lines.findIndex((l) => /^`{3,}$/.test(l))
    const close = lines.findIndex((l, i) => i > open && l === lines[open])
    expect(open).toBeGreaterThan(-1)
    // the block closes only after the last line of the report (the policies line), with nothing rendered in between
    expect(lines.slice(open + 1, close).some((l) => l.startsWith('token policies: default, p\\n'))).toBe(true)
    expect(lines.slice(close + 1).join('\n')).not.toContain('<img')
    expect(lines.slice(open + 1, close).every((l) => !/^`{3,}/.test(l))).toBe(true)
  })
})

describe('Vault error text', () => {
  it('on Azure DevOps, a ##vso[ command in a Vault error is not a logging command on stderr or stdout', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-zz' })
    t.fake.on('GET /v1/secret/data/app', () => ({
      status: 400,
      body: { errors: ['denied ##vso[task.prependpath]/tmp/evil', 'two\n##[error]fake\r\n::error::fake'] },
    }))
    const dir = tempDir()
    try {
      const run = await cli(['export', '--token', 'hvs.t', '--secrets', 'secret/app a', '--output', dir.file('o.env')], {
        TF_BUILD: 'True',
        VAULT_ADDR: t.fake.url,
      })
      expect(run.code).toBe(1)
      expect(commandLines(run.stdout + run.stderr)).toEqual([])
      expect(run.stderr).toContain('HTTP 400: denied ##vso\\x5btask.prependpath]/tmp/evil; two ##\\x5berror]fake ::error::fake\n')
    } finally {
      dir.remove()
    }
  })

  it('on GitHub (the action), an error with line breaks stays one annotation line with no command of its own', async () => {
    t.fake.kv2('secret', 'app', { a: 'value-zz' })
    t.fake.on('GET /v1/secret/data/app', () => ({ status: 400, body: { errors: ['permission denied\n::error::fake\n::add-mask::x'] } }))
    const r = await runBundle('main', { inputs: { url: t.fake.url, token: 'hvs.t', secrets: 'secret/app a' } })
    expect(r.code).toBe(1)
    expect(commandLines(r.stdout + r.stderr)).toEqual([])
    expect(r.masks).not.toContain('x')
  })

  it('an OAuth2 error from the identity provider is neutralised too', async () => {
    t.fake.on('POST /oauth/token', () => ({
      status: 400,
      body: { error: 'invalid_client', error_description: 'no\n::warning::fake ##vso[task.complete result=Succeeded]' },
    }))
    const dir = tempDir()
    try {
      const run = await cli(
        [
          'export',
          '--role',
          'ci',
          '--secrets',
          'secret/app a',
          '--oauth2-token-url',
          `${t.fake.url}/oauth/token`,
          '--oauth2-client-id',
          'app',
          '--oauth2-client-secret',
          'cs-hostile-zz',
          '--output',
          dir.file('o.env'),
        ],
        {
          VAULT_ADDR: t.fake.url,
          TF_BUILD: 'True',
        },
      )
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('invalid_client: no\\n::warning::fake ##vso\\x5btask.complete result=Succeeded]')
      expect(commandLines(run.stdout + run.stderr)).toEqual([])
    } finally {
      dir.remove()
    }
  })
})

/** An unsigned JWT with these claims (diagnostics decode locally; nothing verifies it here). */
function jwt(claims: Record<string, unknown> | string): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64url')
  return `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(typeof claims === 'string' ? claims : JSON.stringify(claims))}.c2ln`
}

describe('JWT claims from the identity provider', () => {
  it('`vault-oidc claims` prints claim values with line breaks escaped and no command', async () => {
    const token = jwt({
      sub: 'repo:x\n::warning::fake',
      aud: 'https://vault.example.com',
      custom: 'a\r\n##vso[task.setvariable variable=X]y',
    })
    const run = await cli(['claims'], { GITLAB_CI: 'true', VAULT_ID_TOKEN: token })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('sub: "repo:x\\n::warning::fake"')
    expect(run.stdout).toContain('custom: "a\\r\\n##vso\\x5btask.setvariable variable=X]y"')
    expect(commandLines(run.stdout + run.stderr)).toEqual([])
  })

  it("exp/iat/nbf out of Date's range never replace Vault's message", () => {
    const message = explainJwtFailure(
      { vaultMessage: 'token is expired', status: 400, role: 'ci', mount: 'jwt' },
      jwt({ exp: 1e300, iat: -1e20, nbf: 8.64e15, sub: 's' }),
    )
    expect(message.split('\n')[0]).toBe('Vault rejected the JWT login at auth/jwt for role "ci" (HTTP 400): token is expired')
    expect(message).toContain('Hint: the token expired; check')
    expect(message).toContain('  exp: 1e+300')
  })

  it('a claim named __proto__ is shown as the claim it is, and Object.prototype is never shown as one', () => {
    const claims = safeClaims(jwt('{"sub":"s","__proto__":{"polluted":true}}'))
    expect(describeClaims(claims, undefined, ['__proto__', 'constructor'])).toBe('  sub: "s"\n  __proto__: {"polluted":true}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const message = explainJwtFailure(
      { vaultMessage: 'claim "__proto__" is missing', status: 400, role: undefined, mount: 'jwt' },
      jwt({ sub: 's' }),
    )
    expect(message).toContain('(HTTP 400): claim "__proto__" is missing')
    expect(message).not.toContain('__proto__: ')
  })

  it('a token that is not JSON leaves the message as Vault said it', () => {
    expect(explainJwtFailure({ vaultMessage: 'error validating token: invalid', status: 400, role: 'r', mount: 'jwt' }, 'not.a.jwt')).toBe(
      'Vault rejected the JWT login at auth/jwt for role "r" (HTTP 400): error validating token: invalid',
    )
  })
})

describe('the neutraliser', () => {
  it.each([
    ['a\nb', 'a\\nb'],
    ['a\r\nb\tc\u0000d\u001be\u0085f\u2028g\u202eh', 'a\\r\\nb\\tc\\x00d\\x1be\\x85f\\u2028g\\u202eh'],
    ['::warning::x', '\\x3a:warning::x'],
    ['  ::add-mask::x', '  \\x3a:add-mask::x'],
    ['mid ::warning::x', 'mid ::warning::x'],
    ['a ##vso[task.setsecret]b', 'a ##vso\\x5btask.setsecret]b'],
    ['##VSO[task.complete]', '##VSO\\x5btask.complete]'],
    ['##[group]x', '##\\x5bgroup]x'],
  ])('untrusted(%j) = %j, and a second pass changes nothing', (input, expected) => {
    expect(untrusted(input)).toBe(expected)
    expect(untrusted(untrusted(input))).toBe(expected)
  })

  it('guardLines keeps our line breaks and defuses every line', () => {
    expect(guardLines('first\n::warning::x\n  ##[error]y\rz')).toBe('first\n\\x3a:warning::x\n  ##\\x5berror]y\\rz')
  })

  it('Markdown: a code span or block cannot be closed from inside, a table cell cannot be split', () => {
    expect(markdownCode('a`b|c')).toBe('``a`b\\|c``')
    expect(markdownCode('`x`')).toBe('`` `x` ``')
    expect(markdownBlock('line\n````\n<img>')).toBe('`````\nline\n````\n<img>\n`````')
  })
})
