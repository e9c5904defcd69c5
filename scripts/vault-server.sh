#!/usr/bin/env bash
# Prints the path of a Vault-API server binary for the test suite and the demo,
# building one from Go modules when none is available.
#
# Order: $BAO_BIN, `bao` then `vault` on PATH, the cache, then a build.
# Build: OpenBao v2.6.2 first; if the Go module proxy refuses OpenBao (this machine's proxy answers
# 403 "This module version is not available" for every github.com/openbao/openbao version), fall back to
# HashiCorp Vault v1.21.0 (BUSL 1.1, allowed for a local test server), whose API is the same for
# everything we use. The binary is cached outside the repo, keyed by module and version.
# Vault pins: v1.21.0 requires sdk v0.20.0, which matches its tree (v1.21.4's tree is between published sdk
# versions and does not compile against any of them); its go.mod's non-local replace lines are copied in.
# Progress goes to stderr; only the binary's path goes to stdout.
set -euo pipefail

CACHE_ROOT="${VAULT_SERVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vault-oidc-action}"
OPENBAO_COMMIT=dd9c19c37a878cf4a81b18efb8d6f0599c7da923   # OpenBao v2.6.2
VAULT_VERSION=v1.21.0
VAULT_SDK_VERSION=v0.20.0

say() { printf '[vault-server] %s\n' "$*" >&2; }

if [ -n "${BAO_BIN:-}" ]; then
  [ -x "$BAO_BIN" ] || { say "BAO_BIN=$BAO_BIN is not an executable file"; exit 1; }
  echo "$BAO_BIN"; exit 0
fi
for candidate in bao vault; do
  if p=$(command -v "$candidate" 2>/dev/null); then echo "$p"; exit 0; fi
done
cached_binary() {
  local cached
  for cached in "$CACHE_ROOT/openbao-$OPENBAO_COMMIT/bao" "$CACHE_ROOT/vault-$VAULT_VERSION/vault"; do
    [ -x "$cached" ] || continue
    # a truncated or corrupt file (an interrupted copy, a full disk) is rebuilt, not handed to the tests
    if "$cached" version >/dev/null 2>&1; then echo "$cached"; return 0; fi
    say "the cached $cached does not run; removing it and building again"
    rm -f "$cached"
  done
  return 1
}
cached_binary && exit 0

command -v go >/dev/null || { say "Go is needed to build the server (or set BAO_BIN to a bao/vault binary)"; exit 1; }
mkdir -p "$CACHE_ROOT"
# one build at a time (two test runs on a cold cache would otherwise both compile for many minutes)
exec 9>"$CACHE_ROOT/.build.lock"
if ! flock -n 9; then
  say "another build is running; waiting for it"
  flock 9
fi
cached_binary && exit 0

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="$(go env GOFLAGS) -mod=mod"
WORK=$(mktemp -d "$CACHE_ROOT/build.XXXXXX")
ticker=
child=
cleanup() {
  set +e
  if [ -n "$ticker" ]; then kill "$ticker" 2>/dev/null; fi
  if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# an interrupted build stops its go process too (not left compiling for minutes) and still cleans up
trap 'say "interrupted"; exit 130' INT TERM HUP
# runs a long go command in the background so that the traps above can stop it
run() { "$@" & child=$!; wait "$child"; local rc=$?; child=; return "$rc"; }
cd "$WORK"
go mod init example.invalid/serverbuild >/dev/null 2>&1

main_go() { printf 'package main\n\nimport (\n\t"os"\n\n\t"%s/command"\n)\n\nfunc main() { os.Exit(command.Run(os.Args[1:])) }\n' "$1" > main.go; }

if go list -m -f '{{.Version}}' "github.com/openbao/openbao@$OPENBAO_COMMIT" >/dev/null 2>"$WORK/probe.err"; then
  NAME=bao; MOD=github.com/openbao/openbao; DEST="$CACHE_ROOT/openbao-$OPENBAO_COMMIT/bao"
  say "building OpenBao v2.6.2 (${OPENBAO_COMMIT:0:12}) from Go modules"
  main_go "$MOD"
  for sub in "" /api/v2 /sdk/v2 /api/auth/approle/v2 /api/auth/userpass/v2 /api/auth/kubernetes/v2; do
    v=$(go list -m -f '{{.Version}}' "$MOD$sub@$OPENBAO_COMMIT")
    if [ -z "$sub" ]; then go mod edit -require="$MOD@$v"; else go mod edit -replace="$MOD$sub=$MOD$sub@$v"; fi
  done
else
  say "the Go module proxy refused OpenBao or could not be reached: $(head -c 400 "$WORK/probe.err" | tr '\n' ' ')"
  NAME=vault; MOD=github.com/hashicorp/vault; DEST="$CACHE_ROOT/vault-$VAULT_VERSION/vault"
  say "building HashiCorp Vault $VAULT_VERSION from Go modules instead (same HTTP API for everything the suite uses)"
  main_go "$MOD"
  go mod edit -require="$MOD@$VAULT_VERSION"
  go mod download "$MOD@$VAULT_VERSION"
  upstream=$(go list -m -f '{{.GoMod}}' "$MOD@$VAULT_VERSION")
  # replace directives of a dependency are ignored: copy the non-local ones into the wrapper
  grep -E '^replace [^ ]+( v[^ ]+)? => [a-z][^ ]* v' "$upstream" | while read -r _ lhs rest; do
    if [[ "$rest" == v* ]]; then lhs="$lhs@${rest%% *}"; rest=${rest#* }; fi
    rhs=${rest#=> }; go mod edit -replace="$lhs=${rhs% *}@${rhs##* }"
  done
  go mod edit -replace="$MOD/sdk=$MOD/sdk@$VAULT_SDK_VERSION"
fi
say "a cold build downloads ~1 GB of modules and compiles for 10-30 minutes on 2 cores; later runs reuse the cache"
say "downloading modules (go mod tidy; ~400 modules on a cold cache)"
# -e: test-only imports of dependencies may name packages the pinned sdk lacks; the server build does not need them
run go mod tidy -e >"$WORK/tidy.log" 2>&1 || { tail -20 "$WORK/tidy.log" >&2; exit 1; }
say "compiling $NAME (go build); this is the long step"
start=$(date +%s)
( while sleep 30; do say "still compiling... $(( $(date +%s) - start ))s"; done ) &
ticker=$!
run go build -trimpath -ldflags="-s -w" -o "$NAME" . || { say "go build failed; the module download said:"; tail -20 "$WORK/tidy.log" >&2; exit 1; }
kill "$ticker" 2>/dev/null || true; ticker=
"./$NAME" version >&2
mkdir -p "$(dirname "$DEST")"
mv "$NAME" "$DEST.tmp.$$" && mv "$DEST.tmp.$$" "$DEST"
say "built in $(( $(date +%s) - start ))s: $DEST"
echo "$DEST"
