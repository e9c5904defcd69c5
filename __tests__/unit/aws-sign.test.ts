/**
 * method aws: which STS endpoint and region the request is signed for, and that the signature holds — checked by the
 * loopback STS fixture (its own SigV4 code), to which the decoded request is sent the way Vault sends it.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSts, type StsFixture } from '../../__fixtures__/sts.js'
import { readActionConfig } from '../../src/config/action.js'
import type { AwsLoginConfig } from '../../src/core/config.js'
import { awsIamLoginBody } from '../../src/vault/aws.js'

const ID = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  arn: 'arn:aws:iam::1:user/x',
  account: '1',
  userId: 'AIDA1',
}
const ENV = { AWS_ACCESS_KEY_ID: ID.accessKeyId, AWS_SECRET_ACCESS_KEY: ID.secretAccessKey, AWS_REGION: 'eu-west-1' }
let sts: StsFixture

beforeAll(async () => {
  sts = await startSts([ID])
})
afterAll(async () => {
  await sts?.close()
})

function aws(inputs: Record<string, string>, env: Record<string, string> = ENV): AwsLoginConfig {
  const c = readActionConfig((n) => ({ url: 'https://vault.test', method: 'aws', ...inputs })[n] ?? '', env)
  return c.auth.aws as AwsLoginConfig
}

/** Replays the login body to the fixture as Vault does (POST to the endpoint, the signed headers, Host from the URL). */
function replay(body: Record<string, unknown>): Promise<number> {
  const dec = (k: string) => Buffer.from(String(body[k]), 'base64').toString()
  const headers = JSON.parse(dec('iam_request_headers')) as Record<string, string[]>
  return new Promise((resolve, reject) => {
    const req = request(
      `${sts.endpoint}/`,
      {
        method: String(body.iam_http_request_method),
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(',')])),
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(dec('iam_request_body'))
  })
}

describe('method aws: endpoint, region and signature', () => {
  it('signs for the global endpoint in us-east-1 by default (AWS_REGION does not move it)', async () => {
    const a = aws({})
    expect(a).toMatchObject({ stsEndpoint: 'https://sts.amazonaws.com', stsRegion: 'us-east-1' })
    const body = awsIamLoginBody(a, 'ci')
    expect(body.role).toBe('ci')
    expect(Buffer.from(String(body.iam_request_url), 'base64').toString()).toBe('https://sts.amazonaws.com/')
    expect(await replay(body)).toBe(200)
  })

  it('awsStsRegion signs for the regional endpoint; a custom endpoint takes the region from AWS_REGION; the session token and server id are signed', async () => {
    expect(aws({ awsStsRegion: 'eu-central-1' })).toMatchObject({
      stsEndpoint: 'https://sts.eu-central-1.amazonaws.com',
      stsRegion: 'eu-central-1',
    })
    expect(aws({ awsStsEndpoint: 'https://sts.ap-south-1.amazonaws.com' })).toMatchObject({ stsRegion: 'ap-south-1' })
    expect(aws({ awsStsEndpoint: 'https://vpce-1.sts.vpce.amazonaws.com' })).toMatchObject({ stsRegion: 'eu-west-1' })
    const a = aws({ awsStsRegion: 'eu-central-1', awsIamServerId: 'vault.test' }, { ...ENV, AWS_SESSION_TOKEN: 'session/token+=' })
    const body = awsIamLoginBody(a, undefined)
    const headers = JSON.parse(Buffer.from(String(body.iam_request_headers), 'base64').toString()) as Record<string, string[]>
    expect(headers['x-amz-security-token']).toEqual(['session/token+='])
    expect(headers['x-vault-aws-iam-server-id']).toEqual(['vault.test'])
    expect(headers.authorization?.[0]).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-vault-aws-iam-server-id,/)
    expect(await replay(body)).toBe(200)
    expect(body.role).toBeUndefined()
  })

  it('a wrong secret key fails the signature check', async () => {
    const a = aws({}, { ...ENV, AWS_SECRET_ACCESS_KEY: 'wrong' })
    expect(await replay(awsIamLoginBody(a, 'ci'))).toBe(403)
    expect(sts.verdicts.at(-1)).toBe('SignatureDoesNotMatch')
  })

  it('bad values are refused naming the input or the variables', () => {
    expect(() => aws({ awsStsRegion: 'Frankfurt' })).toThrow(
      'input "awsStsRegion": must be an AWS region such as us-east-1, got "Frankfurt"',
    )
    expect(() => aws({}, { AWS_ACCESS_KEY_ID: 'AKID' })).toThrow('AWS_SECRET_ACCESS_KEY is not set in the environment')
  })
})
