import { CI_PLATFORMS } from '../platforms/ci/index.js'
import { FLAGS } from './flags.js'

const GROUPS = {
  vault: 'Vault',
  auth: 'Authentication',
  token: 'OIDC token (method jwt)',
  output: 'Output',
  tuning: 'Tuning',
  cli: 'Other',
} as const

export function helpText(): string {
  const lines = [
    "vault-oidc: swap this CI job's OIDC token for a Vault/OpenBao token, read secrets, hand them to the job.",
    '',
    'Usage:',
    '  vault-oidc [export] [flags]          write the secrets where later steps find them (platform sink or --output)',
    '  vault-oidc exec [flags] -- CMD ARGS  run CMD with the secrets in its environment only; exits with its code.',
    '                                       The token and every renewable lease are renewed while CMD runs (at ~2/3',
    '                                       of each TTL) and revoked when it exits.',
    '  vault-oidc check [flags]             log in and report which --secrets paths are readable (exports nothing)',
    '  vault-oidc claims [flags]            print the claims of the OIDC token this job would present',
    '  vault-oidc help | -h | --help        this help',
    '',
  ]
  for (const [group, title] of Object.entries(GROUPS)) {
    lines.push(`${title}:`)
    for (const f of FLAGS.filter((x) => x.group === group)) {
      const left = `  --${f.name}${f.value ? ` ${f.value}` : ''}`
      const env = f.env?.length
        ? ` [env: ${f.env.map((e) => (e.startsWith('VAULT_') && !e.startsWith('VAULT_OIDC_') ? `BAO_${e.slice(6)}/${e}` : e)).join(', ')}]`
        : ''
      lines.push(`${left.padEnd(38)} ${f.help}${f.secret ? '; or --' + f.name + '-file FILE' : ''}${env}`)
    }
    lines.push('')
  }
  lines.push(
    'Boolean flags take --flag, --no-flag or --flag=true|false. Empty values count as unset.',
    "Secrets syntax, auth methods, retries and errors are the same as the GitHub Action's (see README).",
    'A secrets entry "PATH {JSON} KEY [| NAME]" writes the JSON body to PATH (ssh/sign, aws/sts, transit…) and takes',
    'KEY from the answer; the same PATH and body is written once.',
    'Method aws signs sts:GetCallerIdentity with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.',
    '',
    'Examples:',
    ...CI_PLATFORMS.flatMap((p) => (p.helpExample ? [`  # ${p.helpExample[0]}`, `  ${p.helpExample[1]}`, ''] : [])),
    '  # any shell: write a 0600 file and source it in the same job',
    '  f="$(mktemp)" && vault-oidc --role deploy --jwt-env MY_TOKEN --secrets-file secrets.txt --output "$f" && . "$f"; rm -f "$f"',
    '',
    '  # AWS credentials (e.g. from an assumed role) → Vault aws auth; a child token with one policy for the command',
    '  vault-oidc exec --method aws --role ci --child-token --child-token-policies deploy --child-token-ttl 30m -- ./deploy.sh',
    '',
    '  # an SSH certificate signed for this job',
    '  vault-oidc exec --secrets "ssh/sign/ci {\\"public_key\\":\\"$(cat id.pub)\\"} signed_key | SSH_CERT" -- ./ssh-deploy.sh',
    '',
    "  # what is this job's token? / which paths can the role read?",
    '  vault-oidc claims',
    '  vault-oidc check --role deploy --secrets "secret/data/app db_password; secret/data/other key"',
    '',
  )
  return lines.join('\n')
}
