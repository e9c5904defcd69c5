/**
 * The CLI in each CI's environment (its variables; fake `circleci` / `buildkite-agent` on PATH), against a loopback
 * fake Vault: the right token source is chosen (the JWT Vault receives is that platform's), the audience is passed,
 * the sink content is exact and reads back to the original values, files are 0600, and no value is printed.
 */
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { leaks } from '../../__fixtures__/runner.js'
import { formatVariables } from '../../src/platforms/formats.js'
import { bashRead, cli, differing, mode, NASTY, pythonDotenv, tempDir, useLoopback, type CliRun } from './helpers.js'
import { selfSignedCert } from '../../__fixtures__/tls-cert.js'

const VAULT_TOKEN = 'hvs.fake-client-token'
const SECRET_ARGS = ['--role', 'ci', '--secrets', 'secret/app *']
const VALUES = Object.values(NASTY)

const loop = useLoopback(NASTY)

/** The JWT of the latest login, and how many logins there were since `from`. */
function lastLoginJwt(): string | undefined {
  const logins = loop.vault.requests.filter((r) => r.path === '/v1/auth/jwt/login')
  return (logins.at(-1)?.body as { jwt?: string } | undefined)?.jwt
}

function expectNothingPrinted(run: CliRun, ...secrets: string[]): void {
  expect(leaks(run.stdout + run.stderr, [...VALUES, ...secrets], 6)).toEqual([])
}

async function jwt(claims: Record<string, unknown> = {}, audience = 'https://vault.example.com'): Promise<string> {
  return loop.issuer.mint({ audience, claims })
}

describe('GitLab CI', () => {
  it('presents $VAULT_ID_TOKEN and writes a 0600 dotenv file that python-dotenv reads back exactly', async () => {
    const token = await jwt({ project_path: 'group/project' })
    const out = loop.dir.file('gitlab.env')
    const run = await cli([...SECRET_ARGS, '--output', out], { GITLAB_CI: 'true', VAULT_ID_TOKEN: token, VAULT_ADDR: loop.vault.url })
    expect(run.stderr).toContain('OIDC token: GitLab ID token ($VAULT_ID_TOKEN)')
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
    expect(readFileSync(out, 'utf8')).toBe(formatVariables('dotenv', Object.entries(NASTY)))
    expect(differing(pythonDotenv(out), NASTY)).toEqual([])
    expect(mode(out)).toBe(0o600)
    expect(run.stderr).toContain('note: GitLab CI cannot mask values fetched at runtime')
    expect(run.stderr).toContain(`to ${out} (dotenv, mode 0600): QUOTES, DOLLAR`)
    expect(run.stdout).toBe('')
    expectNothingPrinted(run, token, VAULT_TOKEN)
  })

  it('takes the id_tokens name from --jwt-env and warns when the token has another audience than --audience', async () => {
    const token = await jwt({}, 'https://other.example.com')
    const run = await cli(
      [...SECRET_ARGS, '--jwt-env', 'MY_ID_TOKEN', '--audience', 'https://vault.example.com', '--output', loop.dir.file('g2.sh')],
      { GITLAB_CI: 'true', MY_ID_TOKEN: token, VAULT_ADDR: loop.vault.url },
    )
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
    expect(run.stderr).toContain(
      'has aud "https://other.example.com", not --audience "https://vault.example.com"; GitLab sets the audience in the job\'s id_tokens:',
    )
    expect(differing(bashRead(loop.dir.file('g2.sh'), Object.keys(NASTY)), NASTY)).toEqual([])
  })

  it('explains id_tokens when the job has no token, and requires --output (or exec)', async () => {
    const missing = await cli([...SECRET_ARGS, '--output', loop.dir.file('none.env')], { GITLAB_CI: 'true', VAULT_ADDR: loop.vault.url })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(
      'no GitLab ID token ($VAULT_ID_TOKEN): VAULT_ID_TOKEN is not set or empty. Declare it in the job: "id_tokens: { VAULT_ID_TOKEN: { aud:',
    )
    const noOutput = await cli(SECRET_ARGS, { GITLAB_CI: 'true', VAULT_ID_TOKEN: await jwt(), VAULT_ADDR: loop.vault.url })
    expect(noOutput.code).toBe(2)
    expect(noOutput.stderr).toContain('--output: is required on GitLab CI')
    expect(noOutput.stderr).toContain('vault-oidc exec -- CMD ARGS')
  })
})

describe('CircleCI', () => {
  it('with --audience runs `circleci run oidc get --claims`, then appends shell-quoted exports to $BASH_ENV', async () => {
    const token = await jwt({ 'oidc.circleci.com/project-id': 'p-1' })
    writeFileSync(loop.dir.file('circle.token'), token)
    loop.dir.fakeExecutable('circleci', `cat ${JSON.stringify(loop.dir.file('circle.token'))}`)
    const bashEnv = loop.dir.file('bash_env')
    writeFileSync(bashEnv, 'export PRE=1\n')
    chmodSync(bashEnv, 0o644)
    const run = await cli([...SECRET_ARGS, '--audience', 'https://vault.example.com'], {
      CIRCLECI: 'true',
      BASH_ENV: bashEnv,
      CIRCLE_OIDC_TOKEN_V2: 'not-this-one',
      VAULT_ADDR: loop.vault.url,
      PATH: `${loop.dir.path}:${process.env.PATH}`,
    })
    expect(run.code).toBe(0)
    expect(loop.dir.args('circleci')).toEqual([['run', 'oidc', 'get', '--claims', '{"aud":"https://vault.example.com"}']])
    expect(lastLoginJwt()).toBe(token)
    expect(readFileSync(bashEnv, 'utf8')).toBe('export PRE=1\n' + formatVariables('shell', Object.entries(NASTY)))
    expect(differing(bashRead(bashEnv, Object.keys(NASTY)), NASTY)).toEqual([])
    expect(mode(bashEnv)).toBe(0o600)
    expect(run.stderr).toContain(`appended ${VALUES.length} variable(s) to $BASH_ENV (${bashEnv})`)
    expect(run.stderr).toContain('note: CircleCI cannot mask')
    expect(JSON.stringify(loop.dir.args('circleci'))).not.toContain(token)
    expectNothingPrinted(run, token, VAULT_TOKEN)
  })

  it('without --audience presents $CIRCLE_OIDC_TOKEN_V2 (before $CIRCLE_OIDC_TOKEN) and does not run the circleci CLI', async () => {
    const v2 = await jwt({ sub: 'org/o/project/p/user/u/vcs-origin/x/vcs-ref/refs/heads/main' })
    const calls = loop.dir.args('circleci').length
    const run = await cli(SECRET_ARGS, {
      CIRCLECI: 'true',
      BASH_ENV: loop.dir.file('bash_env2'),
      CIRCLE_OIDC_TOKEN_V2: v2,
      CIRCLE_OIDC_TOKEN: await jwt(),
      VAULT_ADDR: loop.vault.url,
      PATH: `${loop.dir.path}:${process.env.PATH}`,
    })
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(v2)
    expect(loop.dir.args('circleci')).toHaveLength(calls)
    expect(mode(loop.dir.file('bash_env2'))).toBe(0o600)
  })

  it('a $BASH_ENV whose last line has no newline keeps that line and gets ours on lines of their own', async () => {
    const bashEnv = loop.dir.file('bash_env3')
    writeFileSync(bashEnv, 'export PRE=1')
    const run = await cli(['--secrets', 'secret/app QUOTES'], {
      CIRCLECI: 'true',
      BASH_ENV: bashEnv,
      CIRCLE_OIDC_TOKEN_V2: await jwt(),
      VAULT_ADDR: loop.vault.url,
    })
    expect(run.code).toBe(0)
    expect(bashRead(bashEnv, ['PRE', 'QUOTES'])).toEqual({ PRE: '1', QUOTES: NASTY.QUOTES })
  })
})

describe('Semaphore and Bitbucket', () => {
  it('Semaphore: presents $SEMAPHORE_OIDC_TOKEN; --output x.json writes JSON', async () => {
    const token = await jwt({ repo_slug: 'org/repo' })
    const out = loop.dir.file('semaphore.json')
    const run = await cli([...SECRET_ARGS, '--output', out], { SEMAPHORE: 'true', SEMAPHORE_OIDC_TOKEN: token, VAULT_ADDR: loop.vault.url })
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
    expect(differing(JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>, NASTY)).toEqual([])
    expect(mode(out)).toBe(0o600)
    expectNothingPrinted(run, token)
  })

  it('Bitbucket: presents $BITBUCKET_STEP_OIDC_TOKEN; --format shell output is read back by bash', async () => {
    const token = await jwt({ repositoryUuid: '{abc}' })
    const out = loop.dir.file('bitbucket-vars')
    const run = await cli([...SECRET_ARGS, '--format', 'shell', '--output', out], {
      BITBUCKET_BUILD_NUMBER: '7',
      BITBUCKET_STEP_OIDC_TOKEN: token,
      VAULT_ADDR: loop.vault.url,
    })
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
    expect(differing(bashRead(out, Object.keys(NASTY)), NASTY)).toEqual([])
    expect(mode(out)).toBe(0o600)
    expect(run.stderr).toContain('note: Bitbucket Pipelines cannot mask')
  })
})

describe('Buildkite', () => {
  it('requests the token with --audience and registers every value with the redactor (on stdin) before writing', async () => {
    const token = await jwt({ organization_slug: 'acme' })
    const bk = tempDir()
    try {
      const out = bk.file('vars.env')
      writeFileSync(bk.file('token'), token)
      bk.fakeExecutable(
        'buildkite-agent',
        `case "$1" in oidc) cat ${JSON.stringify(bk.file('token'))};; redactor) if [ -e ${JSON.stringify(out)} ]; then touch ${JSON.stringify(bk.file('too-late'))}; fi;; esac`,
      )
      const run = await cli([...SECRET_ARGS, '--audience', 'vault-aud', '--output', out], {
        BUILDKITE: 'true',
        VAULT_ADDR: loop.vault.url,
        PATH: `${bk.path}:${process.env.PATH}`,
      })
      expect(run.code).toBe(0)
      expect(bk.args('buildkite-agent')).toEqual([
        ['oidc', 'request-token', '--audience', 'vault-aud'],
        ['redactor', 'add', '--format', 'json'],
      ])
      expect(lastLoginJwt()).toBe(token)
      const redacted = Object.values(JSON.parse(readFileSync(bk.file('buildkite-agent.stdin'), 'utf8')) as Record<string, string>)
      expect(redacted).toEqual(expect.arrayContaining([...VALUES, token, VAULT_TOKEN]))
      expect(existsSync(bk.file('too-late'))).toBe(false)
      expect(differing(pythonDotenv(out), NASTY)).toEqual([])
      expect(run.stderr).not.toContain('cannot mask')
      expect(JSON.stringify(bk.args('buildkite-agent'))).not.toContain(token)
      expectNothingPrinted(run, token, VAULT_TOKEN)
    } finally {
      bk.remove()
    }
  })

  it('says once that values are not redacted when the agent has no redactor, and still writes them', async () => {
    const bk = tempDir()
    try {
      writeFileSync(bk.file('token'), await jwt())
      bk.fakeExecutable(
        'buildkite-agent',
        `case "$1" in oidc) cat ${JSON.stringify(bk.file('token'))};; *) echo "No help topic for 'redactor'" >&2; exit 3;; esac`,
      )
      const run = await cli([...SECRET_ARGS, '--output', bk.file('v.json')], {
        BUILDKITE: 'true',
        VAULT_ADDR: loop.vault.url,
        PATH: `${bk.path}:${process.env.PATH}`,
      })
      expect(run.code).toBe(0)
      expect(run.stderr.match(/NOT redacted/g)).toHaveLength(1)
      expect(run.stderr).toContain(
        '"buildkite-agent redactor add" failed (exit 3): this agent has no such command: the values are NOT redacted',
      )
      expect(differing(JSON.parse(readFileSync(bk.file('v.json'), 'utf8')) as Record<string, string>, NASTY)).toEqual([])
    } finally {
      bk.remove()
    }
  })

  it('a redactor that fails echoing its input: the warning quotes the agent, never a value', async () => {
    const bk = tempDir()
    try {
      const token = await jwt()
      writeFileSync(bk.file('token'), token)
      bk.fakeExecutable(
        'buildkite-agent',
        `case "$1" in oidc) cat ${JSON.stringify(bk.file('token'))};; *) echo "invalid input: $(head -c 60 ${JSON.stringify(bk.file('buildkite-agent.stdin'))})" >&2; exit 1;; esac`,
      )
      const run = await cli(['--secrets', 'secret/app EQUALS | E', '--output', bk.file('w.json')], {
        BUILDKITE: 'true',
        VAULT_ADDR: loop.vault.url,
        PATH: `${bk.path}:${process.env.PATH}`,
      })
      expect(run.code).toBe(0)
      expect(run.stderr).toContain('"buildkite-agent redactor add" failed (exit 1): the values are NOT redacted')
      expect(run.stderr).not.toContain('invalid input')
      expect(run.stderr).not.toContain(token.slice(0, 30))
      expectNothingPrinted(run, token)
    } finally {
      bk.remove()
    }
  })
})

describe('Azure DevOps', () => {
  it('POSTs to $SYSTEM_OIDCREQUESTURI?api-version=7.1 with $SYSTEM_ACCESSTOKEN and presents oidcToken', async () => {
    const token = await jwt({ prj_id: 'p' }, 'api://AzureADTokenExchange')
    loop.vault.on('POST /azure/oidctoken', (req) =>
      req.headers.authorization === 'Bearer azure-access-token' &&
      req.query.get('api-version') === '7.1' &&
      req.headers['x-tfs-fedauthredirect'] === 'Suppress'
        ? { status: 200, body: { oidcToken: token } }
        : { status: 401, body: {} },
    )
    const out = loop.dir.file('azure.env')
    const run = await cli([...SECRET_ARGS, '--output', out], {
      TF_BUILD: 'True',
      SYSTEM_OIDCREQUESTURI: `${loop.vault.url}/azure/oidctoken`,
      SYSTEM_ACCESSTOKEN: 'azure-access-token',
      VAULT_ADDR: loop.vault.url,
    })
    expect(run.stderr).toContain('OIDC token: Azure DevOps OIDC token')
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
    expect(differing(pythonDotenv(out), NASTY)).toEqual([])
    // every value (and each line of it) and the token registered with the agent's masker, and otherwise never printed
    const isCommand = (l: string): boolean => l.startsWith('##vso[task.setsecret]')
    const secrets = run.stdout
      .split('\n')
      .filter(isCommand)
      .map((l) =>
        l
          .slice('##vso[task.setsecret]'.length)
          .replace(/%0A/g, '\n')
          .replace(/%0D/g, '\r')
          .replace(/%AZP25/g, '%'),
      )
    for (const v of [...VALUES, token])
      for (const piece of [v, ...v.split(/\r?\n|\r/)].filter((x) => x.trim() !== ''))
        expect([piece.slice(0, 20), secrets.includes(piece)]).toEqual([piece.slice(0, 20), true])
    expect(run.stderr).not.toContain('cannot mask')
    expectNothingPrinted(
      {
        ...run,
        stdout: run.stdout
          .split('\n')
          .filter((l) => !isCommand(l))
          .join('\n'),
      },
      token,
      'azure-access-token',
    )
  })

  it('tells how to map System.AccessToken when it is missing', async () => {
    const run = await cli([...SECRET_ARGS, '--output', loop.dir.file('az2.env')], {
      TF_BUILD: 'True',
      SYSTEM_OIDCREQUESTURI: `${loop.vault.url}/azure/oidctoken`,
      VAULT_ADDR: loop.vault.url,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'SYSTEM_ACCESSTOKEN is not set; map it into the step with "env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }"',
    )
  })
})

describe('generic sources', () => {
  it('--jwt-file, --jwt-stdin and --jwt-env each present their token', async () => {
    const fromFile = await jwt({ sub: 'file' })
    writeFileSync(loop.dir.file('jwt.txt'), `${fromFile}\n`)
    expect(
      (
        await cli([...SECRET_ARGS, '--jwt-file', loop.dir.file('jwt.txt'), '--output', loop.dir.file('a.sh')], {
          VAULT_ADDR: loop.vault.url,
        })
      ).code,
    ).toBe(0)
    expect(lastLoginJwt()).toBe(fromFile)
    const fromStdin = await jwt({ sub: 'stdin' })
    expect(
      (await cli([...SECRET_ARGS, '--jwt-stdin', '--output', loop.dir.file('b.sh')], { VAULT_ADDR: loop.vault.url }, `${fromStdin}\n`))
        .code,
    ).toBe(0)
    expect(lastLoginJwt()).toBe(fromStdin)
    const fromEnv = await jwt({ sub: 'env' })
    expect(
      (
        await cli([...SECRET_ARGS, '--jwt-env', 'CODER_TOKEN', '--output', loop.dir.file('c.sh')], {
          VAULT_ADDR: loop.vault.url,
          CODER_TOKEN: fromEnv,
        })
      ).code,
    ).toBe(0)
    expect(lastLoginJwt()).toBe(fromEnv)
  })

  it('a JWT flag wins over a $VAULT_TOKEN left in the environment (jwt login, not that token)', async () => {
    const token = await jwt({ sub: 'flag-wins' })
    writeFileSync(loop.dir.file('jwt2.txt'), token)
    const run = await cli([...SECRET_ARGS, '--jwt-file', loop.dir.file('jwt2.txt'), '--output', loop.dir.file('d.sh')], {
      VAULT_ADDR: loop.vault.url,
      VAULT_TOKEN: 'hvs.stale',
    })
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
  })

  it('a Kubernetes pod presents its service-account token file', async () => {
    const token = await jwt({ sub: 'system:serviceaccount:ci:deployer' })
    writeFileSync(loop.dir.file('sa-token'), token)
    const run = await cli([...SECRET_ARGS, '--kubernetes-token-path', loop.dir.file('sa-token'), '--output', loop.dir.file('k.sh')], {
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      VAULT_ADDR: loop.vault.url,
    })
    expect(run.stderr).toContain('OIDC token: Kubernetes service-account token')
    expect(run.code).toBe(0)
    expect(lastLoginJwt()).toBe(token)
  })

  it('outside any CI, without a JWT source, says how to give one', async () => {
    const run = await cli([...SECRET_ARGS, '--output', loop.dir.file('n.sh')], { VAULT_ADDR: loop.vault.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('no OIDC token source detected')
    expect(run.stderr).toContain('--jwt-env NAME, --jwt-file PATH or --jwt-stdin')
  })

  it('uses $VAULT_TOKEN (BAO_TOKEN first) with method token: no login, nothing revoked', async () => {
    const before = loop.vault.requests.length
    const run = await cli(['--secrets', 'secret/app QUOTES', '--output', loop.dir.file('t.json')], {
      VAULT_ADDR: 'http://127.0.0.1:9',
      BAO_ADDR: loop.vault.url,
      VAULT_TOKEN: 'hvs.wrong',
      BAO_TOKEN: 'hvs.user-token',
    })
    expect(run.code).toBe(0)
    const sent = loop.vault.requests.slice(before)
    expect(sent.map((r) => r.path)).not.toContain('/v1/auth/token/revoke-self')
    expect(sent.every((r) => r.headers['x-vault-token'] === 'hvs.user-token')).toBe(true)
    expect(JSON.parse(readFileSync(loop.dir.file('t.json'), 'utf8'))).toEqual({ QUOTES: NASTY.QUOTES })
    expectNothingPrinted(run, 'hvs.user-token')
  })

  it("exec with the user's own token: the child's dynamic-secret leases are revoked when it exits, the token is not", async () => {
    loop.vault.on('GET /v1/database/creds/ro', () => ({
      status: 200,
      body: { lease_id: 'database/creds/ro/exec1', lease_duration: 60, data: { username: 'v-user', password: 'v-pass-123' } },
    }))
    const before = loop.vault.requests.length
    const run = await cli(
      [
        'exec',
        '--secrets',
        'database/creds/ro password | DB_PASSWORD',
        '--',
        process.execPath,
        '-e',
        'process.exit(process.env.DB_PASSWORD === "v-pass-123" ? 0 : 3)',
      ],
      { VAULT_ADDR: loop.vault.url, VAULT_TOKEN: 'hvs.user-token' },
    )
    expect(run.code).toBe(0)
    const sent = loop.vault.requests.slice(before)
    expect(sent.filter((r) => r.path === '/v1/sys/leases/revoke').map((r) => [r.body, r.headers['x-vault-token']])).toEqual([
      [{ lease_id: 'database/creds/ro/exec1', sync: true }, 'hvs.user-token'],
    ])
    expect(sent.map((r) => r.path)).not.toContain('/v1/auth/token/revoke-self')
  })
})

describe("messages in the CLI's terms", () => {
  it("names inputs as flags, and leaves a secret key that shares an input's name as it is", async () => {
    const missing = await cli(['--secrets', 'secret/app password', '--output', loop.dir.file('m.sh')], {
      VAULT_ADDR: loop.vault.url,
      VAULT_TOKEN: 'hvs.user-token',
    })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('secrets entry 1 ("secret/app password"): no value for "password" (keys there: QUOTES,')

    const cert = selfSignedCert()
    const server = createHttpsServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end('{}'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
      const untrusted = await cli(['--secrets', 'secret/app QUOTES', '--output', loop.dir.file('u.sh'), '--retries', '0'], {
        VAULT_ADDR: url,
        VAULT_TOKEN: 'hvs.user-token',
      })
      expect(untrusted.code).toBe(1)
      expect(untrusted.stderr).toContain(
        'Give the server\'s CA in "--ca-certificate" (or VAULT_CACERT for the CLI); "--tls-skip-verify: true" only for tests',
      )
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})

describe('OAuth2 client credentials', () => {
  it('POSTs the form with HTTP Basic client auth, scope and audience; the access_token is the JWT', async () => {
    const token = await jwt({ sub: 'client-app' })
    const seen: unknown[] = []
    loop.vault.on('POST /oauth/token', (req) => {
      seen.push({ auth: req.headers.authorization, type: req.headers['content-type'], body: req.body })
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: 300 } }
    })
    const run = await cli(
      [
        ...SECRET_ARGS,
        '--oauth2-token-url',
        `${loop.vault.url}/oauth/token`,
        '--oauth2-client-id',
        'app',
        '--oauth2-scope',
        'vault',
        '--audience',
        'https://vault.example.com',
        '--output',
        loop.dir.file('o.json'),
      ],
      {
        VAULT_ADDR: loop.vault.url,
        VAULT_OIDC_OAUTH2_CLIENT_SECRET: 's3cr3t/+=',
      },
    )
    expect(run.code).toBe(0)
    expect(seen).toEqual([
      {
        auth: `Basic ${Buffer.from('app:s3cr3t%2F%2B%3D').toString('base64')}`,
        type: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials&scope=vault&audience=https%3A%2F%2Fvault.example.com',
      },
    ])
    expect(lastLoginJwt()).toBe(token)
    expectNothingPrinted(run, token, 's3cr3t/+=')
  })

  it("reports the endpoint's error, not the secret; --oauth2-client-auth post sends the secret in the body", async () => {
    let body: unknown
    loop.vault.on(
      'POST /oauth/bad',
      (req) => ((body = req.body), { status: 401, body: { error: 'invalid_client', error_description: 'unknown client' } }),
    )
    writeFileSync(loop.dir.file('client-secret'), 'file-secret\n')
    const run = await cli(
      [
        ...SECRET_ARGS,
        '--oauth2-token-url',
        `${loop.vault.url}/oauth/bad`,
        '--oauth2-client-id',
        'app',
        '--oauth2-client-secret-file',
        loop.dir.file('client-secret'),
        '--oauth2-client-auth',
        'post',
        '--output',
        loop.dir.file('p.json'),
      ],
      { VAULT_ADDR: loop.vault.url },
    )
    expect(run.code).toBe(1)
    expect(body).toBe('grant_type=client_credentials&client_id=app&client_secret=file-secret')
    expect(run.stderr).toContain('refused the client credentials (HTTP 401): invalid_client: unknown client')
    expect(run.stderr).not.toContain('file-secret')
  })
})

describe('claims', () => {
  it("prints the decoded claims of the job's token, never the token", async () => {
    const token = await jwt({ project_path: 'group/project', ref_protected: 'true', custom_claim: 'x' })
    const run = await cli(['claims'], { GITLAB_CI: 'true', VAULT_ID_TOKEN: token })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('claims of the GitLab ID token ($VAULT_ID_TOKEN)')
    expect(run.stdout).toContain('project_path: "group/project"')
    expect(run.stdout).toContain('custom_claim: "x"')
    expect(run.stdout).toContain('aud: "https://vault.example.com"')
    expect(run.stdout + run.stderr).not.toContain(token)
    expect(run.stdout + run.stderr).not.toContain(token.split('.')[2] as string)
  })
})
