#!/usr/bin/env bash
# Installs code-server (VS Code's server + web workbench, from npm) into a cache folder of its
# own, for the VS Code integration and UI tests on machines that cannot download VS Code.
# The four install fixes below come from the team guide "VS Code in a browser".
#
#   CODE_SERVER_DIR   install prefix (default $HOME/.cache/dockerfile-size-hints/code-server)
#   CODE_SERVER_VERSION  default 4.100.3 (= VS Code 1.100.3, the newest that runs on Node 20)
#
# Skips at once when that version is already installed. Prints the path of the executable last.
set -euo pipefail

version="${CODE_SERVER_VERSION:-4.100.3}"
prefix="${CODE_SERVER_DIR:-${HOME}/.cache/dockerfile-size-hints/code-server}"
bin="$prefix/node_modules/.bin/code-server"
pkg_json="$prefix/node_modules/code-server/package.json"

installed_version() {
  [ -f "$pkg_json" ] && node -p "require(process.argv[1]).version" "$pkg_json" 2>/dev/null || true
}

if [ -x "$bin" ] && [ "$(installed_version)" = "$version" ] && [ -f "$prefix/.install-complete" ]; then
  echo "install-code-server: code-server $version already installed in $prefix"
  echo "$bin"
  exit 0
fi

started=$(date +%s)
echo "install-code-server: installing code-server $version into $prefix (about 1-2 minutes)"
command -v rg >/dev/null || { echo "install-code-server: Debian's ripgrep (rg) is missing; run test/setup/install-system-deps.sh" >&2; exit 1; }

mkdir -p "$prefix"
rm -f "$prefix/.install-complete"
work="$(mktemp -d "${TMPDIR:-/tmp}/dsh-code-server-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# @vscode/ripgrep 1.15.11 downloads rg from GitHub in its postinstall; it first looks in its
# cache folder under TMPDIR, so give it Debian's rg packed the way it expects.
rg_cache="$work/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache" "$work/rg"
cp "$(command -v rg)" "$work/rg/rg"
tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg

# npm_config_unsafe_perm: code-server's postinstall demands it when run as root (npm 11 ignores
# the flag itself but passes the variable through). npm_config_yes: node-pty's postinstall runs
# `npx node-gyp`, which would otherwise wait for a yes.
[ -f "$prefix/package.json" ] || printf '{ "private": true }\n' > "$prefix/package.json"
TMPDIR="$work" npm_config_yes=true npm_config_unsafe_perm=true \
  npm install --prefix "$prefix" --no-audit --no-fund --foreground-scripts \
  "code-server@$version"

[ -x "$bin" ] || { echo "install-code-server: $bin missing after npm install" >&2; exit 1; }
[ "$(installed_version)" = "$version" ] || { echo "install-code-server: installed version is $(installed_version), wanted $version" >&2; exit 1; }
touch "$prefix/.install-complete"
echo "install-code-server: installed in $(( $(date +%s) - started )) s"
echo "$bin"
