/**
 * The CLI's flags: every action input as a kebab-case flag (same validators: src/config/parse.ts), plus the CLI's own.
 * One table drives parsing, environment fallbacks, `--NAME-file` variants of secret flags, help and error messages.
 */
import { CI_PLATFORMS } from '../platforms/ci/index.js'
import { JWT_SOURCES } from './sources.js'

/** CIs whose token is requested with --audience (the others fix it elsewhere). */
const REQUESTED_AUDIENCE = CI_PLATFORMS.filter((p) => p.tokenSource && p.fixedAudience === undefined).map((p) => p.title)

export interface FlagSpec {
  /** kebab-case, without the leading dashes */
  readonly name: string
  /** The action input of the same meaning: runtime messages (login, HTTP) name it, and the CLI prints this flag instead. */
  readonly input?: string
  readonly type: 'string' | 'boolean'
  /** May be given more than once (values are joined with newlines). */
  readonly multiple?: boolean
  /**
   * Environment fallbacks, in order. A name starting with `VAULT_` is looked up as `BAO_…` first;
   * a set-but-empty variable still wins over the later ones.
   */
  readonly env?: readonly string[]
  /** A secret: also read from `--NAME-file PATH`, and a warning says argv is visible to other processes. */
  readonly secret?: boolean
  /** PEM material: the value may also be a path to a PEM file. The env fallbacks are always paths. */
  readonly pem?: boolean
  readonly value?: string
  readonly help: string
  readonly group: 'vault' | 'auth' | 'token' | 'output' | 'tuning' | 'cli'
}

export const FLAGS: readonly FlagSpec[] = [
  {
    name: 'url',
    input: 'url',
    type: 'string',
    env: ['VAULT_ADDR', 'VAULT_SERVER_URL'],
    value: 'URL',
    help: 'Vault/OpenBao address, e.g. https://vault.example.com:8200',
    group: 'vault',
  },
  {
    name: 'namespace',
    input: 'namespace',
    type: 'string',
    env: ['VAULT_NAMESPACE'],
    value: 'NS',
    help: 'Vault Enterprise / OpenBao namespace',
    group: 'vault',
  },
  {
    name: 'secrets',
    input: 'secrets',
    type: 'string',
    multiple: true,
    value: 'SPEC',
    help: 'what to read: "path key [| NAME]" entries separated by ";" or newlines (vault-action syntax); repeatable',
    group: 'vault',
  },
  { name: 'secrets-file', type: 'string', value: 'FILE', help: 'read the secrets spec from FILE ("-" = stdin)', group: 'vault' },
  {
    name: 'pki',
    input: 'pki',
    type: 'string',
    value: 'SPEC',
    help: 'PKI certificates to issue (the action\'s "pki" input)',
    group: 'vault',
  },
  {
    name: 'extra-headers',
    input: 'extraHeaders',
    type: 'string',
    multiple: true,
    value: '"Name: value"',
    help: 'extra HTTP header for every Vault request; repeatable',
    group: 'vault',
  },
  {
    name: 'ca-certificate',
    input: 'caCertificate',
    type: 'string',
    pem: true,
    env: ['VAULT_CACERT'],
    value: 'PEM|FILE',
    help: 'CA to trust for Vault: PEM, base64 of PEM, or a PEM file (VAULT_CACERT: a file)',
    group: 'vault',
  },
  {
    name: 'client-certificate',
    input: 'clientCertificate',
    type: 'string',
    pem: true,
    env: ['VAULT_CLIENT_CERT'],
    value: 'PEM|FILE',
    help: 'TLS client certificate (VAULT_CLIENT_CERT: a file)',
    group: 'vault',
  },
  {
    name: 'client-key',
    input: 'clientKey',
    type: 'string',
    pem: true,
    secret: true,
    env: ['VAULT_CLIENT_KEY'],
    value: 'PEM|FILE',
    help: 'TLS client key (VAULT_CLIENT_KEY: a file)',
    group: 'vault',
  },
  {
    name: 'tls-skip-verify',
    input: 'tlsSkipVerify',
    type: 'boolean',
    env: ['VAULT_SKIP_VERIFY'],
    help: "do not verify Vault's TLS certificate (tests only)",
    group: 'vault',
  },

  {
    name: 'method',
    input: 'method',
    type: 'string',
    value: 'METHOD',
    help: 'jwt (default unless a token is given), token, approle, kubernetes, github, ldap, userpass, cert, oidc, aws (IAM), or a custom mount with --auth-payload',
    group: 'auth',
  },
  { name: 'role', input: 'role', type: 'string', env: ['VAULT_AUTH_ROLE'], value: 'ROLE', help: 'role on the auth mount', group: 'auth' },
  {
    name: 'path',
    input: 'path',
    type: 'string',
    env: ['VAULT_AUTH_PATH'],
    value: 'MOUNT',
    help: 'auth mount path (default: the method name)',
    group: 'auth',
  },
  {
    name: 'token',
    input: 'token',
    type: 'string',
    secret: true,
    env: ['VAULT_TOKEN'],
    value: 'TOKEN',
    help: 'Vault token for method "token"',
    group: 'auth',
  },
  { name: 'role-id', input: 'roleId', type: 'string', env: ['VAULT_ROLE_ID'], value: 'ID', help: 'AppRole role_id', group: 'auth' },
  {
    name: 'secret-id',
    input: 'secretId',
    type: 'string',
    secret: true,
    env: ['VAULT_SECRET_ID'],
    value: 'ID',
    help: 'AppRole secret_id',
    group: 'auth',
  },
  {
    name: 'wrapped-secret-id',
    input: 'wrappedSecretId',
    type: 'string',
    secret: true,
    env: ['VAULT_WRAPPED_SECRET_ID'],
    value: 'TOKEN',
    help: 'response-wrapping token that wraps the AppRole secret_id',
    group: 'auth',
  },
  {
    name: 'github-token',
    input: 'githubToken',
    type: 'string',
    secret: true,
    env: ['VAULT_GITHUB_TOKEN'],
    value: 'TOKEN',
    help: 'GitHub token for method "github"',
    group: 'auth',
  },
  {
    name: 'kubernetes-token-path',
    input: 'kubernetesTokenPath',
    type: 'string',
    value: 'FILE',
    help: 'service-account token file (method kubernetes, --jwt-source kubernetes)',
    group: 'auth',
  },
  {
    name: 'username',
    input: 'username',
    type: 'string',
    env: ['VAULT_USERNAME'],
    value: 'NAME',
    help: 'username for ldap/userpass',
    group: 'auth',
  },
  {
    name: 'password',
    input: 'password',
    type: 'string',
    secret: true,
    env: ['VAULT_PASSWORD'],
    value: 'PASSWORD',
    help: 'password for ldap/userpass',
    group: 'auth',
  },
  {
    name: 'auth-payload',
    input: 'authPayload',
    type: 'string',
    secret: true,
    value: 'JSON',
    help: 'login body for another auth method',
    group: 'auth',
  },
  {
    name: 'jwt-private-key',
    input: 'jwtPrivateKey',
    type: 'string',
    pem: true,
    secret: true,
    env: ['VAULT_JWT_PRIVATE_KEY'],
    value: 'PEM|FILE',
    help: 'sign our own JWT with this key instead of a CI token',
    group: 'auth',
  },
  {
    name: 'jwt-key-password',
    input: 'jwtKeyPassword',
    type: 'string',
    secret: true,
    env: ['VAULT_JWT_KEY_PASSWORD'],
    value: 'PASSWORD',
    help: 'password of --jwt-private-key',
    group: 'auth',
  },
  {
    name: 'jwt-ttl',
    input: 'jwtTtl',
    type: 'string',
    value: 'SECONDS',
    help: 'lifetime of a self-signed JWT (default 3600)',
    group: 'auth',
  },
  {
    name: 'aws-iam-server-id',
    input: 'awsIamServerId',
    type: 'string',
    value: 'VALUE',
    help: "method aws: X-Vault-AWS-IAM-Server-ID header value (the mount's iam_server_id_header_value); credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN",
    group: 'auth',
  },
  {
    name: 'aws-sts-region',
    input: 'awsStsRegion',
    type: 'string',
    value: 'REGION',
    help: 'method aws: sign for the regional STS endpoint of REGION (default: the global endpoint, us-east-1)',
    group: 'auth',
  },
  {
    name: 'aws-sts-endpoint',
    input: 'awsStsEndpoint',
    type: 'string',
    value: 'URL',
    help: 'method aws: the STS URL to sign for (default https://sts.amazonaws.com)',
    group: 'auth',
  },

  {
    name: 'audience',
    input: 'jwtGithubAudience',
    type: 'string',
    value: 'AUD',
    help: `audience to request for the OIDC token (${[...REQUESTED_AUDIENCE, 'OAuth2'].join(', ')})`,
    group: 'token',
  },
  { name: 'jwt-source', type: 'string', value: 'SOURCE', help: `${JWT_SOURCES.join('|')} (default: detected)`, group: 'token' },
  {
    name: 'jwt-env',
    type: 'string',
    value: 'NAME',
    help: 'take the JWT from this variable (GitLab: the id_tokens name; default VAULT_ID_TOKEN)',
    group: 'token',
  },
  {
    name: 'jwt-file',
    type: 'string',
    value: 'FILE',
    help: 'take the JWT from this file (re-read before every login attempt)',
    group: 'token',
  },
  { name: 'jwt-stdin', type: 'boolean', help: 'read the JWT from stdin', group: 'token' },
  {
    name: 'oauth2-token-url',
    type: 'string',
    env: ['VAULT_OIDC_OAUTH2_TOKEN_URL'],
    value: 'URL',
    help: 'OAuth2 client-credentials token endpoint; its access_token is the JWT',
    group: 'token',
  },
  { name: 'oauth2-client-id', type: 'string', env: ['VAULT_OIDC_OAUTH2_CLIENT_ID'], value: 'ID', help: 'OAuth2 client id', group: 'token' },
  {
    name: 'oauth2-client-secret',
    type: 'string',
    secret: true,
    env: ['VAULT_OIDC_OAUTH2_CLIENT_SECRET'],
    value: 'SECRET',
    help: 'OAuth2 client secret',
    group: 'token',
  },
  { name: 'oauth2-scope', type: 'string', value: 'SCOPE', help: 'OAuth2 scope to request', group: 'token' },
  {
    name: 'oauth2-client-auth',
    type: 'string',
    value: 'basic|post',
    help: 'how the client authenticates: HTTP Basic (default) or client_secret in the body',
    group: 'token',
  },

  {
    name: 'format',
    type: 'string',
    value: 'FORMAT',
    help: "dotenv|shell|json (default: from --output's extension; shell otherwise)",
    group: 'output',
  },
  {
    name: 'output',
    type: 'string',
    value: 'FILE',
    help: 'write the variables to FILE (mode 0600, replaced atomically); "-" = stdout, for eval',
    group: 'output',
  },
  {
    name: 'export-token',
    input: 'exportToken',
    type: 'boolean',
    help: 'also export the Vault token as VAULT_TOKEN (it is then not revoked)',
    group: 'output',
  },
  {
    name: 'child-token',
    input: 'childToken',
    type: 'boolean',
    help: 'export a child token (auth/token/create) as VAULT_TOKEN instead of the login token; revoked when exec ends',
    group: 'output',
  },
  {
    name: 'child-token-policies',
    input: 'childTokenPolicies',
    type: 'string',
    value: 'P1,P2',
    help: "its policies, a subset of the login token's (default: the same)",
    group: 'output',
  },
  {
    name: 'child-token-ttl',
    input: 'childTokenTtl',
    type: 'string',
    value: 'DURATION',
    help: "its TTL, e.g. 15m (default: Vault's)",
    group: 'output',
  },
  {
    name: 'child-token-num-uses',
    input: 'childTokenNumUses',
    type: 'string',
    value: 'N',
    help: 'how many requests it may make (default 0: unlimited)',
    group: 'output',
  },
  {
    name: 'secret-encoding-type',
    input: 'secretEncodingType',
    type: 'string',
    value: 'ENC',
    help: 'decode values: base64|hex|utf8',
    group: 'output',
  },
  { name: 'ignore-not-found', input: 'ignoreNotFound', type: 'boolean', help: 'skip missing secrets instead of failing', group: 'output' },
  {
    name: 'revoke-token',
    input: 'revokeToken',
    type: 'boolean',
    help: 'revoke the Vault token when done (default true; export: only when no leases are held)',
    group: 'output',
  },

  { name: 'concurrency', input: 'concurrency', type: 'string', value: 'N', help: 'parallel reads (default 32)', group: 'tuning' },
  { name: 'retries', input: 'retries', type: 'string', value: 'N', help: 'retries of failed requests (default 3)', group: 'tuning' },
  {
    name: 'request-timeout',
    input: 'requestTimeout',
    type: 'string',
    value: 'DURATION',
    help: 'per request (default 30s)',
    group: 'tuning',
  },
  { name: 'timeout', input: 'timeout', type: 'string', value: 'DURATION', help: 'overall (default 5m)', group: 'tuning' },

  { name: 'debug', type: 'boolean', env: ['VAULT_OIDC_DEBUG'], help: 'debug logging (never values)', group: 'cli' },
  { name: 'help', type: 'boolean', help: 'this help', group: 'cli' },
  { name: 'version', type: 'boolean', help: 'print the version', group: 'cli' },
]

/** Flags whose value is a secret also exist as `--NAME-file PATH`. */
export const FILE_FLAGS: readonly string[] = FLAGS.filter((f) => f.secret).map((f) => `${f.name}-file`)

/** Setting (by its action input name) → "--flag": how the CLI's Config names inputs in runtime messages. */
export const FLAG_FOR_INPUT: ReadonlyMap<string, string> = new Map(
  FLAGS.filter((f) => f.input !== undefined).map((f) => [f.input as string, `--${f.name}`] as const),
)
