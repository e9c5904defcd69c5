/**
 * Environment variable names a secret's keys may not choose (`secret/app *` and `**` name variables after the
 * keys the server sends). Each of these changes how later steps run: loader and interpreter hooks, shell and path
 * variables, proxies and trust stores, the CI systems' own namespaces, and ours. A workflow author can still take
 * any of them deliberately with `| NAME`. Compared without regard to case (Windows, zsh's `path`, lowercase proxies).
 * docs/security.md lists the same set: keep them in step.
 */

/** Exact names. */
export const PROTECTED_EXACT: readonly string[] = [
  // loader and interpreter hooks
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'RUBYOPT',
  'RUBYLIB',
  'OPENSSL_CONF',
  // shell and path variables
  'PATH',
  'HOME',
  'SHELL',
  'ENV',
  'BASH_ENV',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  // trust
  'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE',
]

/** Name prefixes. */
export const PROTECTED_PREFIXES: readonly string[] = [
  // loader and interpreter hooks
  'LD_',
  'DYLD_',
  'PYTHON',
  'PERL5',
  'BASH_FUNC_',
  // trust and tools
  'SSL_CERT_',
  'GIT_',
  // CI systems
  'GITHUB_',
  'RUNNER_',
  'ACTIONS_',
  'CIRCLE_',
  'CI_',
  'GITLAB_',
  'BUILDKITE_',
  'SYSTEM_',
  'AGENT_',
  'BUILD_',
  'BITBUCKET_',
  'SEMAPHORE_',
  // ours
  'VAULT_',
  'BAO_',
]

/** Name suffixes. */
export const PROTECTED_SUFFIXES: readonly string[] = ['_PROXY']

const EXACT = new Set(PROTECTED_EXACT)

/** Whether a name derived from a server key may not be used (ASCII case-insensitive). */
export function isProtectedName(name: string): boolean {
  const upper = asciiUpper(name)
  return EXACT.has(upper) || PROTECTED_PREFIXES.some((p) => upper.startsWith(p)) || PROTECTED_SUFFIXES.some((s) => upper.endsWith(s))
}

/** Upper-cases a-z only: no Unicode case mapping can turn another script's letter into an ASCII one (ı → I). */
export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase())
}
