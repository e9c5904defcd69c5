#!/usr/bin/env bash
# e2e: a Vault dev server whose JWT mount trusts this job's real GitHub OIDC tokens (GitHub's issuer), a role bound
# to this repository and audience, and a KV v2 secret with a value made up for this run. The value is written to
# $RUNNER_TEMP/e2e/expected (never printed) so later steps can compare what they get.
set -euo pipefail
: "${E2E_AUDIENCE:?}" "${GITHUB_REPOSITORY:?}" "${RUNNER_TEMP:?}"
node .github/scripts/start-vault-dev.mjs
export VAULT_ADDR=http://127.0.0.1:8200 VAULT_TOKEN=root

mkdir -p "$RUNNER_TEMP/e2e"
node -e 'require("fs").writeFileSync(process.argv[1], "e2e-" + require("crypto").randomBytes(12).toString("hex") + " it\x27s \"quoted\" $HOME \\ end")' "$RUNNER_TEMP/e2e/expected"
printf 'line one\nline two' > "$RUNNER_TEMP/e2e/multiline"

vault auth enable jwt
vault write auth/jwt/config oidc_discovery_url=https://token.actions.githubusercontent.com bound_issuer=https://token.actions.githubusercontent.com
printf 'path "secret/data/e2e" { capabilities = ["read"] }\n' | vault policy write e2e -
vault write auth/jwt/role/e2e role_type=jwt user_claim=repository bound_audiences="$E2E_AUDIENCE" \
  bound_claims="{\"repository\":\"$GITHUB_REPOSITORY\"}" token_policies=e2e token_ttl=10m
vault kv put -mount=secret e2e password=@"$RUNNER_TEMP/e2e/expected" multiline=@"$RUNNER_TEMP/e2e/multiline"
