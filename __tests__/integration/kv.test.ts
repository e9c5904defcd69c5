/** KV v1/v2 reads against the real dev server, through the built action (method token, a policy-bound token). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runBundle } from '../../__fixtures__/runner.js'
import { SERVER, startVaultServer, type VaultServer } from '../../__fixtures__/vault-server.js'
import { expectFailure, expectSuccess, tokenWithPolicies, writePolicy } from './helpers.js'

let vault: VaultServer
let token: string

beforeAll(async () => {
  vault = await startVaultServer()
  await vault.api('POST', 'sys/mounts/kv1', { type: 'kv', options: { version: '1' } })
  await writePolicy(vault, 'ci-read', { 'secret/data/app/*': ['read'], 'secret/data/app/private': ['deny'], 'kv1/app/*': ['read'] })
  token = await tokenWithPolicies(vault, ['ci-read'])
  const put = (path: string, data: Record<string, unknown>) => vault.api('POST', `secret/data/app/${path}`, { data })
  await put('db', { password: 'old-pass', user: 'app' })
  await put('db', { password: 'new-pass', user: 'app', 'api.key': 'dotted' })
  await put('json', {
    config: { region: 'eu', replicas: [1, 2] },
    port: 5432,
    enabled: true,
    cert: '-----BEGIN X-----\nline-one\nline-two\n-----END X-----',
  })
  await put('private', { key: 'hidden-value' })
  await put('gone', { k: 'first' })
  await put('gone', { k: 'second' })
  await vault.api('POST', 'secret/delete/app/gone', { versions: [2] })
  await vault.api('POST', 'secret/destroy/app/gone', { versions: [1] })
  await vault.api('POST', 'kv1/app/config', { password: 'kv1-pass', data: 'a key named data' })
})

afterAll(async () => {
  await vault?.stop()
})

const run = (secrets: string, extra: Record<string, string> = {}) =>
  runBundle('main', { inputs: { url: vault.addr, token, secrets, ...extra } })

describe(`${SERVER}: KV reads`, () => {
  it('reads KV v2 with and without /data/, a pinned ?version=N, and a KV v1 mount', async () => {
    const r = await run(
      [
        'secret/app/db password | LATEST',
        'secret/data/app/db password | WITH_DATA',
        'secret/app/db?version=1 password | V1',
        'kv1/app/config password | KV1',
        'kv1/app/config data | KV1_DATA',
      ].join('\n'),
    )
    expectSuccess(r)
    expect(r.env).toEqual({ LATEST: 'new-pass', WITH_DATA: 'new-pass', V1: 'old-pass', KV1: 'kv1-pass', KV1_DATA: 'a key named data' })
    expect(r.masks).toEqual(expect.arrayContaining(['new-pass', 'old-pass', 'kv1-pass']))
  })

  it('expands wildcards: "*" upper-cases the names, "**" keeps them, a prefix is prepended, "." becomes "__"', async () => {
    const r = await run('secret/app/db * ; secret/app/db * | DB_')
    expectSuccess(r)
    expect(r.env).toMatchObject({
      PASSWORD: 'new-pass',
      USER: 'app',
      API__KEY: 'dotted',
      DB_PASSWORD: 'new-pass',
      DB_USER: 'app',
      DB_API__KEY: 'dotted',
    })
    // both secrets have a key "password": one step cannot have two outputs of that name (an error, not "the later wins")
    const kv1 = await run('kv1/app/config **')
    expectSuccess(kv1)
    expect(kv1.env).toEqual({ password: 'kv1-pass', data: 'a key named data' })
    expectFailure(
      await run('secret/app/db * ; kv1/app/config **'),
      'the key "password" gives the output password, the name of another output of this step',
    )
  })

  it('exports JSON values as compact JSON text, selects nested values, masks every line of a multi-line value', async () => {
    const r = await run(
      'secret/app/json config | CONFIG ; secret/app/json config.region | REGION ; secret/app/json port ; secret/app/json enabled ; secret/app/json cert | CERT',
    )
    expectSuccess(r)
    expect(r.env).toEqual({
      CONFIG: '{"region":"eu","replicas":[1,2]}',
      REGION: 'eu',
      PORT: '5432',
      ENABLED: 'true',
      CERT: '-----BEGIN X-----\nline-one\nline-two\n-----END X-----',
    })
    expect(r.masks).toEqual(expect.arrayContaining(['line-one', 'line-two']))
  })

  it('a deleted and a destroyed version fail with what happened to them', async () => {
    const r = await run('secret/app/gone k | LATEST ; secret/app/gone?version=1 k | FIRST')
    expectFailure(
      r,
      '2 secrets could not be read',
      /version 2 was deleted at \d{4}-/,
      'version 1 was destroyed',
      'read another version with ?version=N',
    )
  })

  it('a missing path fails the step (nothing exported); with ignoreNotFound it is a warning and the rest is exported', async () => {
    const secrets = 'secret/app/db password | DB ; secret/app/missing value | MISSING'
    expectFailure(await run(secrets), 'no secret at "secret/data/app/missing"', 'KV v2 mount "secret/"')
    const lenient = await run(secrets, { ignoreNotFound: 'true' })
    expectSuccess(lenient)
    expect(lenient.env).toEqual({ DB: 'new-pass' })
    expect(lenient.stdout).toMatch(/::warning::.*secret\/data\/app\/missing.*skipped: ignoreNotFound is true/)
  })

  it('a wildcard over keys that would set protected names fails before anything is exported; "| NAME" takes one deliberately', async () => {
    await vault.api('POST', 'secret/data/app/hostile', {
      data: { path: '/tmp/evil-bin', ld_preload: '/tmp/evil.so', vault_token: 'hostile-token-value', fine: 'fine-value' },
    })
    const r = await run('secret/app/hostile *')
    expectFailure(
      r,
      "3 names chosen by the server's keys cannot be used",
      'the key "path" would set PATH',
      'the key "ld_preload" would set LD_PRELOAD',
      'the key "vault_token" would set VAULT_TOKEN',
      'secret/app/hostile path | MY_NAME',
    )
    // masked as soon as it was read (a mask is not a print), and never printed otherwise
    expect(r.log + r.errLog).not.toContain('/tmp/evil')
    const deliberate = await run('secret/app/hostile path | TOOLS_PATH ; secret/app/hostile fine | PATH')
    expectSuccess(deliberate)
    expect(deliberate.env).toEqual({ TOOLS_PATH: '/tmp/evil-bin', PATH: 'fine-value' })
  })

  it('a path the policy denies fails naming the path and the policy rule to add; nothing is exported', async () => {
    const r = await run('secret/app/db password | DB ; secret/app/private key | PRIVATE')
    expectFailure(r, 'permission denied reading "secret/data/app/private"', 'path "secret/data/app/private" { capabilities = ["read"] }')
    expect(r.stdout).not.toContain('hidden-value')
  })
})
