/**
 * A loopback AWS STS for Vault's aws (IAM) auth: Vault forwards the client's signed sts:GetCallerIdentity here
 * (auth/aws/config/client sts_endpoint). The fixture checks the AWS Signature Version 4 with its own known test
 * credentials (written from the AWS documentation, independently of src/vault/aws.ts) and answers as STS does.
 * It never rejects a replay: one Vault login reaches it twice.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StsIdentity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly arn: string
  readonly account: string
  readonly userId: string
}

export interface StsFixture {
  /** http://127.0.0.1:<port>: give it to Vault as sts_endpoint. */
  readonly endpoint: string
  /** Every request's verdict, in order ("ok" or the error code). */
  readonly verdicts: string[]
  /** Headers of the last request (for checks on what was signed). */
  lastHeaders(): Record<string, string | string[] | undefined>
  close(): Promise<void>
}

export async function startSts(identities: readonly StsIdentity[]): Promise<StsFixture> {
  const verdicts: string[] = []
  let last: Record<string, string | string[] | undefined> = {}
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => (body += d))
    req.on('end', () => {
      last = { ...req.headers }
      const verdict = verify(req, body, identities)
      verdicts.push(verdict.ok ? 'ok' : verdict.code)
      if (verdict.ok)
        reply(
          res,
          200,
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${verdict.who.arn}</Arn><UserId>${verdict.who.userId}</UserId><Account>${verdict.who.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        )
      else
        reply(
          res,
          403,
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${verdict.code}</Code><Message>${verdict.message}</Message></Error><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ErrorResponse>`,
        )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    verdicts,
    lastHeaders: () => last,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function reply(res: ServerResponse, status: number, xml: string): void {
  // Vault accepts the answer only with exactly this content type
  res.writeHead(status, { 'Content-Type': 'text/xml' })
  res.end(xml)
}

type Verdict = { ok: true; who: StsIdentity } | { ok: false; code: string; message: string }

function verify(req: IncomingMessage, body: string, identities: readonly StsIdentity[]): Verdict {
  if (req.method !== 'POST') return { ok: false, code: 'InvalidAction', message: 'only POST' }
  if (body !== 'Action=GetCallerIdentity&Version=2011-06-15') return { ok: false, code: 'InvalidAction', message: 'not GetCallerIdentity' }
  const auth = String(req.headers.authorization ?? '')
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    )
  if (!m) return { ok: false, code: 'IncompleteSignature', message: 'malformed Authorization header' }
  const [, keyId, day, region, signedNames, signature] = m as unknown as [string, string, string, string, string, string]
  const who = identities.find((i) => i.accessKeyId === keyId)
  if (!who) return { ok: false, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' }
  const names = signedNames.split(';')
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return { ok: false, code: 'IncompleteSignature', message: 'host and x-amz-date must be signed' }
  const amzDate = String(req.headers['x-amz-date'] ?? '')
  if (!amzDate.startsWith(day)) return { ok: false, code: 'SignatureDoesNotMatch', message: 'date mismatch' }
  // Vault sends to sts_endpoint + "/" + the signed path: "//" for "/"; the signature covers "/"
  const path = (req.url ?? '/').replace(/\/{2,}/g, '/')
  const canonical = [
    'POST',
    path,
    '',
    ...names.map((n) => `${n}:${[req.headers[n] ?? ''].flat().join(',').trim().replace(/ +/g, ' ')}`),
    '',
    signedNames,
    createHash('sha256').update(body).digest('hex'),
  ].join('\n')
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${day}/${region}/sts/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`
  const kDate = createHmac('sha256', `AWS4${who.secretAccessKey}`).update(day).digest()
  const kRegion = createHmac('sha256', kDate).update(region).digest()
  const kService = createHmac('sha256', kRegion).update('sts').digest()
  const kSigning = createHmac('sha256', kService).update('aws4_request').digest()
  const expected = createHmac('sha256', kSigning).update(toSign).digest()
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    }
  }
  return { ok: true, who }
}
