/**
 * method aws (IAM) against the real server: the action and the CLI sign sts:GetCallerIdentity with the AWS credential
 * variables; Vault's aws auth forwards it to a loopback STS (auth/aws/config/client sts_endpoint) that verifies the
 * SigV4 signature with known test credentials. OpenBao has no aws auth method: there the test proves it is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSts, type StsFixture } from '../../__fixtures__/sts.js'
import { leaks, runBundle } from '../../__fixtures__/runner.js'
import { startVaultServer, type VaultServer, SERVER } from '../../__fixtures__/vault-server.js'
import { startTogether } from '../../__fixtures__/together.js'
import { bashRead, runBundleCli, tempDir, type TempDir } from '../cli/helpers.js'
import { expectFailure, mainThenPost, tokenIsValid, writePolicy } from './helpers.js'

/** Which server this project runs against (OpenBao has no aws auth method: its test asserts the refusal). */
const serverKind = (): typeof SERVER => SERVER

const CI = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  arn: 'arn:aws:iam::123456789012:user/ci',
  account: '123456789012',
  userId: 'AIDACKCEVSQ6C2EXAMPLE',
}
const SESSION = 'FwoGZXIvYXdzEXAMPLE-session-token//with/slashes+plus=='
const SERVER_ID = 'vault.example.test'
const SECRET = 'aws-login-read-this'
const awsEnv = (secretAccessKey = CI.secretAccessKey) => ({
  AWS_ACCESS_KEY_ID: CI.accessKeyId,
  AWS_SECRET_ACCESS_KEY: secretAccessKey,
  AWS_SESSION_TOKEN: SESSION,
  AWS_REGION: 'eu-west-1',
})

let vault: VaultServer
let sts: StsFixture
let dir: TempDir

beforeAll(async () => {
  ;[vault, sts] = await startTogether([startVaultServer(), startSts([CI])] as const)
  dir = tempDir()
  if (serverKind() === 'openbao') return
  await vault.api('POST', 'sys/auth/aws', { type: 'aws' })
  // login only needs sts_endpoint (http:// is accepted); use_sts_region_from_client stays false
  await vault.api('POST', 'auth/aws/config/client', { sts_endpoint: sts.endpoint, iam_server_id_header_value: SERVER_ID })
  await writePolicy(vault, 'aws-read', { 'secret/data/aws/*': ['read'] })
  await vault.api('POST', 'auth/aws/role/ci', {
    auth_type: 'iam',
    bound_iam_principal_arn: [CI.arn],
    resolve_aws_unique_ids: false,
    token_policies: ['aws-read'],
    token_ttl: '10m',
  })
  await vault.api('POST', 'secret/data/aws/app', { data: { password: SECRET } })
})

afterAll(async () => {
  await Promise.all([vault?.stop(), sts?.close()])
  dir?.remove()
})

const inputs = (extra: Record<string, string> = {}) => ({
  url: vault.addr,
  method: 'aws',
  role: 'ci',
  awsIamServerId: SERVER_ID,
  secrets: 'secret/data/aws/app password | APP_PASSWORD',
  ...extra,
})

// each server gets only the tests that apply to it (none is registered and skipped)
if (serverKind() === 'vault')
  describe(`${SERVER}: method aws (IAM) on Vault`, () => {
    it('the action logs in with a signed GetCallerIdentity the STS verifies, exports the secret, masks the credentials; post revokes the token', async () => {
      const before = sts.verdicts.length
      const { main, post } = await mainThenPost({ inputs: inputs(), env: awsEnv() })
      expect(main.env).toEqual({ APP_PASSWORD: SECRET })
      expect(sts.verdicts.slice(before)).toContain('ok')
      expect(sts.verdicts.slice(before)).not.toContain('SignatureDoesNotMatch')
      // the session token and the server id were signed and forwarded
      expect(sts.lastHeaders()['x-amz-security-token']).toBe(SESSION)
      expect(sts.lastHeaders()['x-vault-aws-iam-server-id']).toBe(SERVER_ID)
      expect(main.masks).toEqual(expect.arrayContaining([CI.secretAccessKey, SESSION, CI.accessKeyId, SECRET]))
      expect(leaks(main.log + main.errLog, [CI.secretAccessKey, SESSION])).toEqual([])
      expect(main.summary).toContain('aws at `auth/aws`, role `ci`')
      expect(post.log).toContain('revoked the Vault token')
      expect(await tokenIsValid(vault, main.state.vaultToken ?? '')).toBe(false)
    })

    it('the CLI logs in the same way (--method aws --aws-iam-server-id) and writes the secret to a 0600 file', async () => {
      const out = dir.file('aws.env')
      const run = await runBundleCli(
        [
          '--method',
          'aws',
          '--role',
          'ci',
          '--aws-iam-server-id',
          SERVER_ID,
          '--secrets',
          'secret/data/aws/app password | APP_PASSWORD',
          '--output',
          out,
          '--format',
          'shell',
        ],
        {
          VAULT_ADDR: vault.addr,
          ...awsEnv(),
        },
      )
      expect(run.stderr).not.toContain('error')
      expect(run.code).toBe(0)
      expect(bashRead(out, ['APP_PASSWORD'])).toEqual({ APP_PASSWORD: SECRET })
      expect(leaks(run.stdout + run.stderr, [CI.secretAccessKey, SESSION, SECRET])).toEqual([])
    })

    it('a wrong secret key: the STS refuses the signature and the error explains it, naming the credential variables (never the key)', async () => {
      const wrong = 'not-the-right-secret-key-0123456789abcdefgh'
      const main = await runBundle('main', { inputs: inputs(), env: awsEnv(wrong) })
      const message = expectFailure(main, 'Vault rejected the aws login at auth/aws', 'STS', 'AWS_SECRET_ACCESS_KEY', 'awsStsRegion')
      expect(sts.verdicts).toContain('SignatureDoesNotMatch')
      expect(message).not.toContain(wrong)
      expect(leaks(main.log + main.errLog, [wrong, SESSION])).toEqual([])

      const cli = await runBundleCli(
        [
          'exec',
          '--method',
          'aws',
          '--role',
          'ci',
          '--aws-iam-server-id',
          SERVER_ID,
          '--secrets',
          'secret/data/aws/app password',
          '--',
          'true',
        ],
        { VAULT_ADDR: vault.addr, ...awsEnv(wrong) },
      )
      expect(cli.code).toBe(1)
      expect(cli.stderr).toContain('AWS_SECRET_ACCESS_KEY')
      expect(cli.stderr).toContain('--aws-sts-region')
      expect(cli.stderr).not.toContain(wrong)
    })

    it('without the server-id header the mount requires, Vault refuses and the error names awsIamServerId', async () => {
      const main = await runBundle('main', { inputs: inputs({ awsIamServerId: '' }), env: awsEnv() })
      expectFailure(main, 'Vault rejected the aws login', 'awsIamServerId')
    })

    it('without AWS credentials in the environment the step fails before any request, naming the variables', async () => {
      const main = await runBundle('main', { inputs: inputs(), env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } })
      expectFailure(main, 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set', 'configure-aws-credentials')
    })
  })

if (serverKind() === 'openbao')
  describe(`${SERVER}: method aws on OpenBao`, () => {
    it('OpenBao has no aws auth method: mounting it is refused, and a login is rejected at auth/aws', async () => {
      const res = await vault.api('POST', 'sys/auth/aws', { type: 'aws' }, { allow: [400] })
      expect(res.status).toBe(400)
      expect(JSON.stringify(res.body)).toMatch(/aws/)
      const main = await runBundle('main', { inputs: inputs(), env: awsEnv() })
      expectFailure(main, 'Vault rejected the aws login at auth/aws')
    })
  })
