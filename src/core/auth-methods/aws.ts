/** AWS IAM: a SigV4-signed sts:GetCallerIdentity request (src/vault/aws.ts), signed anew for every attempt. */
import { VaultOidcError } from '../../lib/errors.js'
import { awsIamLoginBody } from '../../vault/aws.js'
import { loginPath, rejected, type LoginContext, type LoginMethod } from './types.js'
import { untrusted } from '../../lib/untrusted.js'

export const aws: LoginMethod = {
  async prepare(ctx) {
    const settings = ctx.auth.aws
    if (!settings) throw new VaultOidcError('method aws: no AWS credentials were read (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)')
    const credentials = settings.credentials
    for (const secret of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]) if (secret) ctx.mask(secret)
    // signed anew for every attempt: a signature is valid for 15 minutes
    return async () => ({ apiPath: loginPath(ctx.auth), body: awsIamLoginBody(settings, ctx.auth.role) })
  },
  refused: (ctx, refusal) => rejected(ctx, refusal, awsHint(ctx, refusal.said)),
}

function awsHint(ctx: LoginContext, said: string): string {
  const { inputName } = ctx
  const endpoint = `"${inputName('awsStsRegion')}"/"${inputName('awsStsEndpoint')}"`
  if (/from STS|SignatureDoesNotMatch|InvalidClientTokenId|security token/i.test(said)) {
    return (
      'STS did not accept the signed request, so the AWS credentials are not valid: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ' +
      `AWS_SESSION_TOKEN (temporary credentials need all three; they expire), and that ${endpoint} name the STS endpoint the mount's sts_endpoint expects.`
    )
  }
  if (/server ID|iam_server_id|X-Vault-AWS-IAM-Server-ID/i.test(said))
    return `the mount requires "${inputName('awsIamServerId')}" to equal its iam_server_id_header_value.`
  // bounded gap: an unbounded `role .* not found` is quadratic in the length of Vault's text
  if (/does not belong to the role|entity|bound_iam_principal_arn|role [^;]{0,200} not found|invalid role/i.test(said)) {
    return `the AWS identity is not bound by role "${untrusted(ctx.auth.role ?? '')}" ("${inputName('role')}"): check the role's bound_iam_principal_arn against the ARN of these AWS credentials.`
  }
  return `check "${inputName('role')}", the AWS credential variables and ${endpoint}.`
}
