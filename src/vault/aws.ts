/**
 * Method aws (IAM): a SigV4-signed sts:GetCallerIdentity request, built with node:crypto (no AWS SDK), that Vault
 * forwards to STS to learn who we are. We never send it to AWS ourselves.
 */
import { createHash, createHmac } from 'node:crypto'

export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

export interface AwsLoginConfig {
  /** From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
  readonly credentials: AwsCredentials
  /** The STS URL the request is signed for (Vault sends it to its own configured sts_endpoint). */
  readonly stsEndpoint: string
  /** The region in the signature. */
  readonly stsRegion: string
  /** X-Vault-AWS-IAM-Server-ID header value (the mount's iam_server_id_header_value). */
  readonly serverId?: string
}

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15'

/** The login body for auth/<mount>/login: the signed request, base64-encoded the way Vault expects it. */
export function awsIamLoginBody(aws: AwsLoginConfig, role: string | undefined, now: Date = new Date()): Record<string, unknown> {
  const url = new URL(aws.stsEndpoint)
  if (url.pathname === '') url.pathname = '/'
  const headers = signedHeaders(aws, url, now)
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
  return {
    ...(role ? { role } : {}),
    iam_http_request_method: 'POST',
    iam_request_url: b64(url.toString()),
    iam_request_body: b64(BODY),
    // Vault reads a JSON object of header name → list of values
    iam_request_headers: b64(JSON.stringify(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])))),
  }
}

/** The headers of the request, Authorization included (AWS Signature Version 4, service "sts"). */
export function signedHeaders(aws: AwsLoginConfig, url: URL, now: Date): Record<string, string> {
  const { accessKeyId, secretAccessKey, sessionToken } = aws.credentials
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'x-amz-date': amzDate,
    ...(sessionToken ? { 'x-amz-security-token': sessionToken } : {}),
    ...(aws.serverId ? { 'x-vault-aws-iam-server-id': aws.serverId } : {}),
  }
  const names = Object.keys(headers).sort()
  const canonicalRequest = [
    'POST',
    url.pathname || '/',
    '',
    ...names.map((n) => `${n}:${(headers[n] as string).trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    sha256Hex(BODY),
  ].join('\n')
  const scope = `${day}/${aws.stsRegion}/sts/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, day)
  for (const part of [aws.stsRegion, 'sts', 'aws4_request']) key = hmac(key, part)
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  }
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex')
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}
