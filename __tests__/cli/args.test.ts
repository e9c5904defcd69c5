import { describe, expect, it } from '@jest/globals'
import { parseCliArgs } from '../../src/cli/args.js'
import { cli } from './helpers.js'

describe('argument parser', () => {
  it('reads subcommands, repeatable flags, negations, --flag=bool and the exec command line', () => {
    const p = parseCliArgs([
      'exec',
      '--role',
      'r',
      '--extra-headers',
      'A: 1',
      '--extra-headers',
      'B: 2',
      '--no-revoke-token',
      '--ignore-not-found=true',
      '--',
      'cmd',
      '--role',
      'x',
    ])
    expect(p.command).toBe('exec')
    expect(p.values).toMatchObject({ role: 'r', 'extra-headers': ['A: 1', 'B: 2'], 'revoke-token': false, 'ignore-not-found': true })
    expect(p.child).toEqual(['cmd', '--role', 'x'])
    expect(parseCliArgs([]).command).toBe('export')
  })

  it.each([
    [['--rol', 'x'], '--rol: unknown flag; did you mean --role? (see --help)'],
    [['--bogus'], '--bogus: unknown flag (see --help)'],
    [['--url'], '--url: needs a value'],
    [['--url', '--role', 'x'], '--url: needs a value; to pass one that starts with "-", write --url=-VALUE'],
    [['--jwt-stdin=maybe'], '--jwt-stdin: must be true or false, got "maybe"'],
    [['--help=x'], '--help: must be true or false, got "x"'],
    [['--version=yes', '--debug=1', 'frobnicate'], 'frobnicate: unknown command; use one of export, exec, check, claims (see --help)'],
    [['check', 'extra'], 'extra: unexpected argument'],
    [['exec', 'ls'], 'ls: unexpected argument: put the command to run after "--"'],
    [['exec', '--role', 'r'], 'exec: needs a command to run after "--", e.g. vault-oidc exec --role deploy -- ./deploy.sh'],
    [['check', '--', 'ls'], '--: arguments after "--" are only for "exec" (the command is "check")'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(
      `input "${message.slice(0, message.indexOf(':'))}": ${message.slice(message.indexOf(':') + 2)}`,
    )
  })
})

describe("the CLI's usage errors (exit code 2, naming the flag)", () => {
  it.each([
    [['--tls-skip-verify=perhaps'], {}, '--tls-skip-verify: must be true or false, got "perhaps"'],
    [['--url', 'http://x', '--concurrency', '0'], {}, '--concurrency: must be between 1 and 256, got 0'],
    [['--url', 'ftp://x'], {}, '--url: must start with https:// or http://'],
    [
      [],
      { VAULT_ADDR: 'http://x', BAO_SKIP_VERIFY: 'nope' },
      '--tls-skip-verify (from $BAO_SKIP_VERIFY): must be true or false, got "nope"',
    ],
    [[], { BAO_ADDR: '', VAULT_ADDR: 'http://x' }, '--url (from $BAO_ADDR): is required'],
    [['--url', 'http://x', '--method', 'approle', '--output', '-'], {}, '--role-id: is required when "--method" is approle'],
    [['--url', 'http://x', '--token-file', '/nonexistent/token'], {}, '--token-file: cannot read /nonexistent/token: ENOENT'],
    [['--url', 'http://x', '--format', 'yaml'], {}, '--format: must be one of dotenv, shell, json, got "yaml"'],
    [['--url', 'http://x', '--jwt-env', 'T'], {}, '--output: is required outside a known CI: write the variables to a file'],
    [['--url', 'http://x', '--jwt-file', 'a', '--jwt-stdin'], {}, '--jwt-stdin: cannot be combined with --jwt-file'],
    [['--url', 'http://x', '--oauth2-token-url', 'https://idp/token'], {}, '--oauth2-client-id: is required for OAuth2 client credentials'],
    [['--url', 'http://x', '--secrets', 'secret/app'], {}, '--secrets: entry 1 ("secret/app"): expected "<path> <key> [| NAME]"'],
    [
      ['--export-token', 'false', '--url', 'http://x'],
      {},
      '--export-token: takes no separate value: write --export-token=false (or --export-token / --no-export-token)',
    ],
    [[], { VAULT_ADDR: '', VAULT_SERVER_URL: 'ftp://gitlab-style' }, '--url (from $VAULT_SERVER_URL): must start with https:// or http://'],
    [
      ['--url', 'http://x', '--jwt-private-key', 'LS0tnot-a-key/base64=='],
      {},
      '--jwt-private-key: is not a PEM block, the base64 encoding of one, or a readable file (the value is not shown: it may be a key)',
    ],
    [
      ['--url', 'http://x', '--method', 'custom', '--auth-payload', '{"password": s3cr3t-pw}', '--output', '-'],
      {},
      '--auth-payload: is not valid JSON; the text is not shown because it may hold credentials',
    ],
    [
      ['--url', 'http://x'],
      { VAULT_JWT_PRIVATE_KEY: 'bm90LWEta2V5LXNlY3JldA==' },
      'VAULT_JWT_PRIVATE_KEY: is not a PEM block, the base64 encoding of one, or a readable file (the value is not shown',
    ],
  ])('%j %j', async (argv, env, message) => {
    const run = await cli(argv, env)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`vault-oidc: error: ${message}`)
    expect(run.stdout).toBe('')
    for (const secret of ['s3cr3t', 'bm90LWEta2V5', 'LS0tnot']) expect(run.stderr).not.toContain(secret)
  })

  it('--help prints usage with examples; --version the version', async () => {
    const help = await cli(['--help'], {})
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('vault-oidc exec [flags] -- CMD ARGS')
    expect(help.stdout).toContain('Examples:')
    expect(help.stdout).toMatch(
      /--password PASSWORD +password for ldap\/userpass; or --password-file FILE \[env: BAO_PASSWORD\/VAULT_PASSWORD\]/,
    )
    expect(await cli(['--version'], {})).toEqual({ code: 0, stdout: 'vault-oidc test\n', stderr: '' })
  })

  it('-h, `help` and `help <command>` print the same usage as --help, touching nothing else', async () => {
    const help = await cli(['--help'], {})
    expect(help.stdout).toContain('vault-oidc help | -h | --help')
    for (const argv of [['-h'], ['help'], ['help', 'exec'], ['exec', '-h'], ['--role', 'x', '-h']]) {
      expect({ argv, ...(await cli(argv, {})) }).toEqual({ argv, ...help })
    }
    expect((await cli(['-x'], {})).stderr).toContain('-x: unknown flag')
  })

  it('warns that a secret given on the command line is visible to other processes', async () => {
    const run = await cli(
      [
        '--url',
        'http://127.0.0.1:9',
        '--password',
        'pw-on-argv',
        '--method',
        'userpass',
        '--username',
        'u',
        '--retries',
        '0',
        '--output',
        '-',
      ],
      {},
    )
    expect(run.stderr).toContain(
      '--password on the command line is visible to other processes on this machine; prefer $BAO_PASSWORD or --password-file',
    )
    expect(run.stderr).not.toContain('pw-on-argv')
  })
})
