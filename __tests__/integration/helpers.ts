/** Shared setup and assertions for the real-server tier (every test runs the built dist/ like a runner). */
import { expectSuccess } from '../../__fixtures__/expect.js'
import type { OidcIssuer } from '../../__fixtures__/oidc-issuer.js'
import { runBundle, type RunnerResult } from '../../__fixtures__/runner.js'
import type { VaultServer } from '../../__fixtures__/vault-server.js'

// one home for the step assertions (__fixtures__/expect.ts); re-exported for the integration tests
export { expectFailure, expectSuccess } from '../../__fixtures__/expect.js'

/** Writes an ACL policy from `{ path: capabilities }`. */
export async function writePolicy(vault: VaultServer, name: string, rules: Record<string, string[]>): Promise<void> {
  const policy = Object.entries(rules)
    .map(([path, caps]) => `path "${path}" { capabilities = ${JSON.stringify(caps)} }`)
    .join('\n')
  await vault.api('PUT', `sys/policies/acl/${name}`, { policy })
}

/** A fresh service token with these policies (for method "token"). */
export async function tokenWithPolicies(vault: VaultServer, policies: string[]): Promise<string> {
  const res = await vault.api<{ auth: { client_token: string } }>('POST', 'auth/token/create', { policies, ttl: '10m' })
  return res.body.auth.client_token
}

/** JWT auth at auth/<path> trusting the issuer's JWKS (jwks_url), like a GitHub-trusting Vault. */
export async function enableGithubJwt(vault: VaultServer, issuer: OidcIssuer, path = 'jwt'): Promise<void> {
  await vault.api('POST', `sys/auth/${path}`, { type: 'jwt' })
  await vault.api('POST', `auth/${path}/config`, { jwks_url: issuer.jwksUrl, bound_issuer: issuer.issuer })
}

export async function jwtRole(vault: VaultServer, name: string, role: Record<string, unknown>, path = 'jwt'): Promise<void> {
  await vault.api('POST', `auth/${path}/role/${name}`, { role_type: 'jwt', user_claim: 'sub', token_ttl: '10m', ...role })
}

/** Whether `token` still works (auth/token/lookup-self answers 200, not 403). */
export async function tokenIsValid(vault: VaultServer, token: string): Promise<boolean> {
  const res = await vault.api('GET', 'auth/token/lookup-self', undefined, { token, allow: [403] })
  return res.status === 200
}

/** Anything JWT-shaped in what the runner would log (the ::add-mask:: lines excluded). */
export function jwtsInLog(r: RunnerResult): string[] {
  return `${r.log}\n${r.stderr}`.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g) ?? []
}

/** Runs the main step, checks it succeeded, runs the post step with its state; returns both. */
export async function mainThenPost(o: {
  inputs: Record<string, string>
  env?: Record<string, string>
}): Promise<{ main: RunnerResult; post: RunnerResult }> {
  const main = await runBundle('main', o)
  expectSuccess(main)
  const postInputs = Object.fromEntries(
    Object.entries(o.inputs).filter(([k]) =>
      ['url', 'caCertificate', 'clientCertificate', 'clientKey', 'tlsSkipVerify', 'namespace', 'token'].includes(k),
    ),
  )
  const post = await runBundle('post', { inputs: postInputs, state: main.state, ...(o.env ? { env: o.env } : {}) })
  expectSuccess(post)
  return { main, post }
}
