/** GitLab CI: the ID token is a variable the job declares under id_tokens: (with its aud), VAULT_ID_TOKEN by default. */
import { envTokenSource } from '../../token-sources/ci.js'
import type { CiPlatform } from './types.js'

const DEFAULT_JWT_ENV = 'VAULT_ID_TOKEN'

export const gitlab: CiPlatform = {
  name: 'gitlab',
  title: 'GitLab CI',
  detect: (env) => env.GITLAB_CI === 'true',
  readsJwtEnv: true,
  tokenSource({ env, jwtEnv }) {
    const variable = jwtEnv ?? DEFAULT_JWT_ENV
    const hint = `Declare it in the job: "id_tokens: { ${variable}: { aud: <your Vault role's bound_audiences> } }"${jwtEnv ? '' : ', or name your variable with --jwt-env'}.`
    return envTokenSource(`GitLab ID token ($${variable})`, [variable], env, hint)
  },
  fixedAudience: "GitLab sets the audience in the job's id_tokens: (aud:), not on the command line",
  claims: ['project_path', 'namespace_path', 'pipeline_source', 'ref_protected', 'environment_protected'],
  helpExample: [
    'GitLab CI (id_tokens: { VAULT_ID_TOKEN: { aud: https://vault.example.com } }): run a command with the secrets',
    'vault-oidc exec --url https://vault.example.com --role deploy --secrets "secret/data/app db_password | DB_PASSWORD" -- ./deploy.sh',
  ],
}
