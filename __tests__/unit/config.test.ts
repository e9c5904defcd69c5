import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { thrownBy } from '../../__fixtures__/expect.js'
import { DEFAULT_KUBERNETES_TOKEN_PATH, readActionConfig } from '../../src/config/action.js'
import type { Config } from '../../src/core/config.js'
import { InputError } from '../../src/lib/errors.js'

const ROOT = resolve(import.meta.dirname, '..', '..')

/** action.yml's inputs with their defaults, read with a small line parser (no YAML dependency). */
function actionYmlInputs(): Map<string, string | undefined> {
  const lines = readFileSync(resolve(ROOT, 'action.yml'), 'utf8').split(/\r?\n/)
  const inputs = new Map<string, string | undefined>()
  let section = ''
  let current: string | undefined
  for (const line of lines) {
    const top = /^(\w[\w-]*):/.exec(line)
    if (top) section = top[1] ?? ''
    if (section !== 'inputs') continue
    const name = /^ {2}(\w+):\s*$/.exec(line)
    if (name) {
      current = name[1] as string
      inputs.set(current, undefined)
    }
    const def = /^ {4}default:\s*(.*?)\s*$/.exec(line)
    if (def && current) inputs.set(current, (def[1] ?? '').replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1'))
  }
  return inputs
}

/** An input reader over a plain object that records every name it is asked for. */
function reader(values: Record<string, string>): { get: (name: string) => string; asked: Set<string> } {
  const asked = new Set<string>()
  return { asked, get: (name) => (asked.add(name), values[name] ?? '') }
}

const BASE = { url: 'https://vault.example.com:8200/' }
const config = (values: Record<string, string>): Config => readActionConfig(reader({ ...BASE, ...values }).get)

const inputError = (values: Record<string, string>): InputError => thrownBy(() => config(values), InputError)

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()

/** vault-action v3.4.0's inputs and their action.yml defaults (its action.yml). */
const VAULT_ACTION_INPUTS: Record<string, string | undefined> = {
  url: undefined,
  secrets: undefined,
  pki: undefined,
  namespace: undefined,
  method: 'token',
  role: undefined,
  path: undefined,
  token: undefined,
  roleId: undefined,
  secretId: undefined,
  githubToken: undefined,
  kubernetesTokenPath: DEFAULT_KUBERNETES_TOKEN_PATH,
  username: undefined,
  password: undefined,
  authPayload: undefined,
  extraHeaders: undefined,
  exportEnv: 'true',
  exportToken: 'false',
  outputToken: 'false',
  caCertificate: undefined,
  clientCertificate: undefined,
  clientKey: undefined,
  tlsSkipVerify: 'false',
  jwtPrivateKey: undefined,
  jwtKeyPassword: undefined,
  jwtGithubAudience: undefined,
  jwtTtl: '3600',
  secretEncodingType: undefined,
  ignoreNotFound: 'false',
}

describe('action.yml and src/config/action.ts agree', () => {
  const declared = actionYmlInputs()

  it('every declared input is read, and every input read is declared', () => {
    const { get, asked } = reader({ ...BASE, method: 'jwt' })
    readActionConfig(get)
    expect([...asked].sort()).toEqual([...declared.keys()].sort())
  })

  it("declares every vault-action v3 input with vault-action's default", () => {
    for (const [name, def] of Object.entries(VAULT_ACTION_INPUTS)) {
      expect([name, declared.has(name)]).toEqual([name, true])
      expect([name, declared.get(name)]).toEqual([name, def])
    }
  })

  it("the defaults in action.yml are the code's defaults (an unset input means the same)", () => {
    const withDefaults: Record<string, string> = {}
    for (const [name, def] of declared) if (def !== undefined) withDefaults[name] = def
    expect(Object.keys(withDefaults).length).toBeGreaterThan(10)
    expect(config(withDefaults)).toEqual(config({}))
  })
})

describe('input values', () => {
  it('builds the documented defaults from the URL alone', () => {
    expect(config({})).toMatchObject({
      url: 'https://vault.example.com:8200',
      secrets: [],
      pki: [],
      extraHeaders: {},
      exportEnv: true,
      exportToken: false,
      outputToken: false,
      ignoreNotFound: false,
      revokeToken: true,
      check: false,
      concurrency: 32,
      retries: 3,
      requestTimeoutMs: 30_000,
      timeoutMs: 300_000,
      tls: { skipVerify: false },
      auth: { method: 'token', path: 'token', kubernetesTokenPath: DEFAULT_KUBERNETES_TOKEN_PATH, jwtTtlSeconds: 3600 },
    })
  })

  it.each(['exportEnv', 'exportToken', 'outputToken', 'tlsSkipVerify', 'ignoreNotFound', 'revokeToken', 'check'])(
    'boolean %s: accepts true/false in any case, rejects anything else by name',
    (name) => {
      const flag = (v: string): unknown => {
        const c = config({ [name]: v })
        return name === 'tlsSkipVerify' ? c.tls.skipVerify : c[name as keyof Config]
      }
      expect([flag('TRUE'), flag('yes'), flag('1'), flag('False'), flag('off'), flag('0')]).toEqual([true, true, true, false, false, false])
      expect(inputError({ [name]: 'maybe' }).message).toBe(`input "${name}": must be true or false, got "maybe"`)
    },
  )

  it.each([
    ['requestTimeout', 'requestTimeoutMs'],
    ['timeout', 'timeoutMs'],
  ] as const)('duration %s: plain seconds or with a unit; zero and junk rejected by name', (name, field) => {
    expect([
      config({ [name]: '90' })[field],
      config({ [name]: '1.5s' })[field],
      config({ [name]: '5m' })[field],
      config({ [name]: '1h' })[field],
      config({ [name]: '250ms' })[field],
    ]).toEqual([90_000, 1500, 300_000, 3_600_000, 250])
    expect(inputError({ [name]: '5x' }).message).toBe(`input "${name}": must be a duration such as 30, 30s, 5m or 1h, got "5x"`)
    expect(inputError({ [name]: '0' }).message).toBe(`input "${name}": must be greater than zero`)
  })

  it.each([
    ['concurrency', '0', 'must be between 1 and 256, got 0'],
    ['concurrency', '257', 'must be between 1 and 256, got 257'],
    ['concurrency', '1.5', 'must be a whole number, got "1.5"'],
    ['retries', '-1', 'must be a whole number, got "-1"'],
    ['retries', '21', 'must be between 0 and 20, got 21'],
    ['jwtTtl', 'abc', 'must be a whole number, got "abc"'],
    ['jwtTtl', '0', 'must be between 1 and 31536000, got 0'],
  ])('whole number %s=%s → %s', (name, value, detail) => {
    expect(inputError({ [name]: value }).message).toBe(`input "${name}": ${detail}`)
  })

  it('reads whole numbers', () => {
    expect(config({ concurrency: '4', retries: '0', jwtTtl: '60' })).toMatchObject({
      concurrency: 4,
      retries: 0,
      auth: { jwtTtlSeconds: 60 },
    })
  })

  it.each([
    [{ url: '' }, 'url', 'is required'],
    [{ url: 'vault.example.com' }, 'url', 'is not a valid URL: "vault.example.com"'],
    [{ url: 'ftp://vault.example.com' }, 'url', 'must start with https:// or http://'],
    [{ url: 'https://u:p@vault.example.com' }, 'url', 'must not contain credentials'],
    [{ extraHeaders: 'X-Ok: 1\nno colon here' }, 'extraHeaders', 'line 2 is not "Name: value"'],
    [{ extraHeaders: 'Bad Name: 1' }, 'extraHeaders', 'line 1: "bad name" is not a valid header name'],
    [{ authPayload: '{"a":', method: 'custom' }, 'authPayload', 'is not valid JSON'],
    [{ authPayload: '[1]', method: 'custom' }, 'authPayload', 'must be a JSON object'],
    [{ secretEncodingType: 'base32' }, 'secretEncodingType', 'must be base64, hex or utf8, got "base32"'],
    [{ caCertificate: 'bm90IGEgcGVt' }, 'caCertificate', 'must be a PEM block or the base64 encoding of one'],
    [{ clientCertificate: pem }, 'clientKey', 'is required together with the other half'],
    [{ clientKey: pem }, 'clientCertificate', 'is required together with the other half'],
    [{ secrets: 'secret/a b', pki: 'pki/issue/r {}' }, 'pki', 'cannot be combined with "secrets"'],
    [{ method: 'saml' }, 'method', '"saml" is not supported'],
    [{ pki: 'pki/issue/r' }, 'pki', 'entry 1: expected "<mount>/issue/<role> {JSON parameters}"'],
    [{ pki: 'pki/issue/r {bad}' }, 'pki', 'entry 1 ("pki/issue/r"): the parameters are not valid JSON'],
    [{ secrets: 'secret/app a-b' }, 'secrets', 'entry 1 ("secret/app a-b")'],
  ])('%j is rejected naming "%s"', (values, input, detail) => {
    const err = inputError(values)
    expect(err.input).toBe(input)
    expect(err.message).toContain(`input "${input}": `)
    expect(err.message).toContain(detail)
  })

  it('an unknown method with authPayload is accepted and keeps its body', () => {
    expect(config({ method: 'OIDC-Custom', authPayload: '{"k":"v"}' }).auth).toMatchObject({
      method: 'oidc-custom',
      path: 'oidc-custom',
      authPayload: { k: 'v' },
    })
  })

  it('caCertificate, clientCertificate and clientKey accept PEM, base64 of PEM, and PEM with literal \\n', () => {
    const b64 = Buffer.from(pem).toString('base64')
    const escaped = pem.trim().replace(/\n/g, '\\n')
    expect(config({ caCertificate: pem }).tls.ca).toBe(pem.trim())
    expect(config({ caCertificate: b64 }).tls.ca).toBe(pem)
    expect(config({ caCertificate: escaped }).tls.ca).toBe(pem.trim())
    expect(config({ clientCertificate: b64, clientKey: pem }).tls).toMatchObject({ cert: pem, key: pem.trim() })
  })

  it('extraHeaders: names lower-cased, repeated names joined with ", ", blank lines ignored', () => {
    expect(config({ extraHeaders: 'X-Team: a\n\nx-team: b\r\nX-Trace-Id:  42 ' }).extraHeaders).toEqual({
      'x-team': 'a, b',
      'x-trace-id': '42',
    })
  })

  it('the auth path defaults to the method and loses surrounding slashes', () => {
    expect(config({ method: 'JWT' }).auth).toMatchObject({ method: 'jwt', path: 'jwt' })
    expect(config({ method: 'jwt', path: '/ci/github/' }).auth.path).toBe('ci/github')
  })

  it('maps the auth inputs onto the config, trimmed, leaving unset ones out', () => {
    const auth = config({ method: 'approle', roleId: ' rid ', secretId: 'sid', role: 'r', jwtGithubAudience: 'sts', namespace: 'ns1' })
    expect(auth.namespace).toBe('ns1')
    expect(auth.auth).toMatchObject({ roleId: 'rid', secretId: 'sid', role: 'r', jwtAudience: 'sts' })
    expect('username' in auth.auth).toBe(false)
  })
})

describe('input text quoted in errors is neutralised', () => {
  const read = (inputs: Record<string, string>) => () => readActionConfig((name) => inputs[name] ?? '')
  it('a childTokenPolicies name that is not a policy name cannot start an Azure or GitHub command', () => {
    const err = thrownBy(
      read({
        url: 'https://vault.example.com',
        secrets: 'secret/app a',
        childToken: 'true',
        childTokenPolicies: 'ok,##vso[task.setvariable]x',
      }),
      InputError,
    )
    expect(err.message).toContain('is not a policy name')
    expect(err.message).not.toContain('##vso[')
  })
  it('an awsStsRegion that is not a region is quoted without its control characters', () => {
    const err = thrownBy(
      read({ url: 'https://vault.example.com', secrets: 'secret/app a', method: 'aws', awsStsRegion: 'eu\u001b[31m' }),
      InputError,
    )
    expect(err.message).toContain('must be an AWS region')
    expect(err.message).not.toContain('\u001b')
  })
})
