#!/usr/bin/env bash
# Prints the path of a Vault-API server binary for the test suite and the demo, building it once when missing.
#
#   scripts/vault-server.sh [openbao|vault]      (default: openbao)
#
# openbao: OpenBao v2.6.2 built from the source snapshot in ../shared/vendor/ (SHA-256 checked). The Go module
#          proxy refuses OpenBao's own modules and five of its cloud-KMS seal modules; a dev server never unseals
#          through a cloud KMS, so those five are replaced by small local stub modules (written below).
# vault:   HashiCorp Vault v1.21.0 (BUSL 1.1, allowed for a local test server) from Go modules. v1.21.0 requires
#          sdk v0.20.0, which matches its tree; its go.mod's non-local replace lines are copied in.
#
# Bring your own binary with BAO_BIN (openbao) or VAULT_BIN (vault). Otherwise the binary is cached outside the
# repo ($VAULT_SERVER_CACHE_DIR, else ~/.cache/vault-oidc-action), keyed by version/commit (and the stub set);
# one build at a time (flock). Progress goes to stderr; only the binary's path goes to stdout.
set -euo pipefail

KIND="${1:-openbao}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE_ROOT="${VAULT_SERVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vault-oidc-action}"
OPENBAO_VERSION=2.6.2
OPENBAO_COMMIT=dd9c19c37a878cf4a81b18efb8d6f0599c7da923
OPENBAO_SHA256=1c25918b7ad6f45e78403073b33534be4908a3941411f71a6695029399d368c3
OPENBAO_TARBALL="${OPENBAO_SRC_TARBALL:-$HERE/../../shared/vendor/openbao-$OPENBAO_VERSION-src.tar.gz}"
VAULT_VERSION=v1.21.0
VAULT_SDK_VERSION=v0.20.0
KMS_STUBS="alicloudkms awskms azurekeyvault gcpckms ocikms"

say() { printf '[vault-server %s] %s\n' "$KIND" "$*" >&2; }

# One stub package per refused seal module: the symbols the tree uses (Type, NewWrapper, WithLogger), each
# wrapper method failing. Its text is part of the cache key, so a changed stub set rebuilds.
stub_go() { # $1 package name (also its seal type)
  cat <<EOF
// Package $1 stands in for github.com/openbao/go-kms-wrapping/wrappers/$1/v2, which the Go module proxy refuses.
// A dev server never unseals through a cloud KMS; every method fails.
package $1

import (
	"context"
	"errors"

	hclog "github.com/hashicorp/go-hclog"
	wrapping "github.com/openbao/go-kms-wrapping/v2"
)

const Type wrapping.WrapperType = "$1"

var errStub = errors.New("the $1 seal is not built into this test server")

type Wrapper struct{}

func NewWrapper() *Wrapper { return &Wrapper{} }

// WithLogger is accepted and ignored (the option parser skips an option that returns nil).
func WithLogger(hclog.Logger) wrapping.Option { return func() interface{} { return nil } }

func (*Wrapper) Type(context.Context) (wrapping.WrapperType, error) { return Type, nil }
func (*Wrapper) KeyId(context.Context) (string, error)              { return "", errStub }
func (*Wrapper) SetConfig(context.Context, ...wrapping.Option) (*wrapping.WrapperConfig, error) {
	return nil, errStub
}
func (*Wrapper) Encrypt(context.Context, []byte, ...wrapping.Option) (*wrapping.BlobInfo, error) {
	return nil, errStub
}
func (*Wrapper) Decrypt(context.Context, *wrapping.BlobInfo, ...wrapping.Option) ([]byte, error) {
	return nil, errStub
}
EOF
}
stub_mod() { # $1 package name
  printf 'module github.com/openbao/go-kms-wrapping/wrappers/%s/v2\n\ngo 1.25\n\nrequire (\n\tgithub.com/hashicorp/go-hclog v1.6.3\n\tgithub.com/openbao/go-kms-wrapping/v2 v2.8.0\n)\n' "$1"
}
stub_set_hash() {
  local pkg
  for pkg in $KMS_STUBS; do stub_go "$pkg"; stub_mod "$pkg"; done | sha256sum | cut -c1-12
}

case "$KIND" in
  openbao)
    NAME=bao; OWN="${BAO_BIN:-}"; OWN_VAR=BAO_BIN
    DEST="$CACHE_ROOT/openbao-$OPENBAO_VERSION-${OPENBAO_COMMIT:0:12}-stubs-$(stub_set_hash)/bao" ;;
  vault)
    NAME=vault; OWN="${VAULT_BIN:-}"; OWN_VAR=VAULT_BIN
    DEST="$CACHE_ROOT/vault-$VAULT_VERSION/vault" ;;
  *) echo "usage: $0 [openbao|vault]" >&2; exit 2 ;;
esac

if [ -n "$OWN" ]; then
  [ -x "$OWN" ] || { say "$OWN_VAR=$OWN is not an executable file"; exit 1; }
  echo "$OWN"; exit 0
fi

cached_binary() {
  [ -x "$DEST" ] || return 1
  # a truncated or corrupt file (an interrupted copy, a full disk) is rebuilt, not handed to the tests
  if "$DEST" version >/dev/null 2>&1; then echo "$DEST"; return 0; fi
  say "the cached $DEST does not run; removing it and building again"
  rm -f "$DEST"
  return 1
}
cached_binary && exit 0

command -v go >/dev/null || { say "Go is needed to build the server (or set $OWN_VAR to a binary)"; exit 1; }
mkdir -p "$CACHE_ROOT"
# one build at a time per server (two test runs on a cold cache would otherwise both compile for many minutes)
exec 9>"$CACHE_ROOT/.build-$KIND.lock"
if ! flock -n 9; then
  say "another build of $KIND is running; waiting for it"
  flock 9
fi
cached_binary && exit 0

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="$(go env GOFLAGS) -mod=mod"
WORK=$(mktemp -d "$CACHE_ROOT/build-$KIND.XXXXXX")
ticker=
child=
cleanup() {
  set +e
  if [ -n "$ticker" ]; then kill "$ticker" 2>/dev/null; fi
  if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
  chmod -R u+w "$WORK" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# an interrupted build stops its go process too (not left compiling for minutes) and still cleans up
trap 'say "interrupted"; exit 130' INT TERM HUP
# runs a long go command in the background so that the traps above can stop it
run() { "$@" & child=$!; wait "$child"; local rc=$?; child=; return "$rc"; }

if [ "$KIND" = openbao ]; then
  [ -f "$OPENBAO_TARBALL" ] || { say "OpenBao's source snapshot is missing: $OPENBAO_TARBALL (set OPENBAO_SRC_TARBALL, or BAO_BIN to a bao binary)"; exit 1; }
  sum=$(sha256sum "$OPENBAO_TARBALL" | cut -d' ' -f1)
  [ "$sum" = "$OPENBAO_SHA256" ] || { say "$OPENBAO_TARBALL has SHA-256 $sum, expected $OPENBAO_SHA256: refusing to build it"; exit 1; }
  say "building OpenBao v$OPENBAO_VERSION (${OPENBAO_COMMIT:0:12}) from $OPENBAO_TARBALL"
  tar -xzf "$OPENBAO_TARBALL" -C "$WORK"
  SRC="$WORK/openbao-$OPENBAO_VERSION"
  cd "$SRC"
  for pkg in $KMS_STUBS; do
    mkdir -p "kmsstubs/$pkg"
    stub_go "$pkg" > "kmsstubs/$pkg/$pkg.go"
    stub_mod "$pkg" > "kmsstubs/$pkg/go.mod"
    go mod edit -replace="github.com/openbao/go-kms-wrapping/wrappers/$pkg/v2=./kmsstubs/$pkg"
  done
  LDFLAGS="-s -w -X github.com/openbao/openbao/version.fullVersion=$OPENBAO_VERSION -X github.com/openbao/openbao/version.GitCommit=$OPENBAO_COMMIT"
  # no `go mod download`: go.mod also names modules the proxy refuses that this build never compiles (pkcs11);
  # go build fetches only what the server's packages import
  : >"$WORK/download.log"
  say "a cold OpenBao build downloads its modules and compiles for ~20 minutes on 2 cores; later runs reuse the cache"
else
  SRC="$WORK/src"; mkdir -p "$SRC"; cd "$SRC"
  MOD=github.com/hashicorp/vault
  say "building HashiCorp Vault $VAULT_VERSION from Go modules"
  go mod init example.invalid/serverbuild >/dev/null 2>&1
  printf 'package main\n\nimport (\n\t"os"\n\n\t"%s/command"\n)\n\nfunc main() { os.Exit(command.Run(os.Args[1:])) }\n' "$MOD" > main.go
  go mod edit -require="$MOD@$VAULT_VERSION"
  run go mod download "$MOD@$VAULT_VERSION"
  upstream=$(go list -m -f '{{.GoMod}}' "$MOD@$VAULT_VERSION")
  # replace directives of a dependency are ignored: copy the non-local ones into the wrapper
  grep -E '^replace [^ ]+( v[^ ]+)? => [a-z][^ ]* v' "$upstream" | while read -r _ lhs rest; do
    if [[ "$rest" == v* ]]; then lhs="$lhs@${rest%% *}"; rest=${rest#* }; fi
    rhs=${rest#=> }; go mod edit -replace="$lhs=${rhs% *}@${rhs##* }"
  done
  go mod edit -replace="$MOD/sdk=$MOD/sdk@$VAULT_SDK_VERSION"
  LDFLAGS="-s -w"
  say "downloading modules (go mod tidy; ~400 modules on a cold cache)"
  # -e: test-only imports of dependencies may name packages the pinned sdk lacks; the server build does not need them
  run go mod tidy -e >"$WORK/download.log" 2>&1 || { tail -20 "$WORK/download.log" >&2; exit 1; }
  say "a cold Vault build compiles for ~8 minutes on 2 cores; later runs reuse the cache"
fi

say "compiling $NAME (go build); this is the long step"
start=$(date +%s)
( while sleep 30; do say "still compiling... $(( $(date +%s) - start ))s"; done ) &
ticker=$!
run go build -trimpath -ldflags="$LDFLAGS" -o "$NAME" . || { say "go build failed; the module download said:"; tail -20 "$WORK/download.log" >&2; exit 1; }
kill "$ticker" 2>/dev/null || true; ticker=
"./$NAME" version >&2
mkdir -p "$(dirname "$DEST")"
mv "$NAME" "$DEST.tmp.$$" && mv "$DEST.tmp.$$" "$DEST"
say "built in $(( $(date +%s) - start ))s: $DEST"
echo "$DEST"
