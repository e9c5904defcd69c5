#!/usr/bin/env bash
# Installs a released HashiCorp Vault binary for this runner's OS and architecture and puts it on PATH for later
# steps. The zip is checked against the release's SHA256SUMS before it is unpacked.
#
#   bash .github/scripts/install-vault.sh 1.21.0
set -euo pipefail
version="${1:?usage: install-vault.sh VERSION}"
case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
  Linux-X64) platform=linux_amd64 ;;
  Linux-ARM64) platform=linux_arm64 ;;
  macOS-X64) platform=darwin_amd64 ;;
  macOS-ARM64) platform=darwin_arm64 ;;
  Windows-X64) platform=windows_amd64 ;;
  *) echo "install-vault.sh: no Vault build for runner OS '${RUNNER_OS:-?}' arch '${RUNNER_ARCH:-?}'" >&2; exit 1 ;;
esac
dir="${RUNNER_TEMP:?}/vault-$version"
mkdir -p "$dir"
cd "$dir"
zip="vault_${version}_${platform}.zip"
sums="vault_${version}_SHA256SUMS"
curl -fsSL --retry 3 -o "$zip" "https://releases.hashicorp.com/vault/$version/$zip"
curl -fsSL --retry 3 -o "$sums" "https://releases.hashicorp.com/vault/$version/$sums"
grep " $zip\$" "$sums" > "$zip.sha256" || { echo "install-vault.sh: $zip is not listed in $sums" >&2; exit 1; }
if command -v sha256sum >/dev/null 2>&1; then sha256sum -c "$zip.sha256"; else shasum -a 256 -c "$zip.sha256"; fi
if command -v unzip >/dev/null 2>&1; then unzip -o -q "$zip"; else 7z x -y "$zip" >/dev/null; fi
echo "$dir" >> "${GITHUB_PATH:?}"
"$dir/vault" version
