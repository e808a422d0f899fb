#!/usr/bin/env sh
# Install code-server (VS Code in the browser) into editors/vscode/.e2e/ for the real-VS-Code tests
# (tests/test_vscode_e2e.py), offline apart from the npm registry. Idempotent; prints the binary's path.
#
# Why each step (found by hand, issue 19):
# - 4.100.3 is the newest code-server that runs on Node 20 (the newer ones need Node 24);
# - a local install: the global one fails with ENOTEMPTY;
# - npm_config_unsafe_perm / npm_config_yes: as root, code-server's postinstall refuses to run without them,
#   and this machine's npmrc sets yes=false;
# - @vscode/ripgrep 1.15.11 downloads ripgrep from GitHub at install time: its cache is filled with the
#   `rg` on PATH (Debian's ripgrep) under the name it looks for, so nothing is downloaded;
# - native modules (node-pty, kerberos, argon2) build against the installed Node headers (libkrb5-dev).
set -eu
VERSION=4.100.3
RIPGREP_PACKAGE=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
ROOT=$(cd "$(dirname "$0")/.." && pwd)/.e2e/code-server
BIN="$ROOT/node_modules/.bin/code-server"
if [ -x "$BIN" ] && [ -d "$ROOT/node_modules/code-server/lib/vscode/node_modules" ]; then
    echo "$BIN"
    exit 0
fi
command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is needed: apt-get install ripgrep" >&2; exit 1; }
CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PACKAGE"
if [ ! -f "$CACHE/$RIPGREP_ASSET" ]; then
    STAGE=$(mktemp -d)
    cp "$(command -v rg)" "$STAGE/rg"
    mkdir -p "$CACHE"
    tar czf "$CACHE/$RIPGREP_ASSET" -C "$STAGE" rg
    rm -rf "$STAGE"
fi
mkdir -p "$ROOT"
cd "$ROOT"
[ -f package.json ] || echo '{"name": "anrf-e2e-code-server", "private": true}' > package.json
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" >&2
[ -d "$ROOT/node_modules/code-server/lib/vscode/node_modules" ] || { echo "install-code-server: VS Code's modules were not installed" >&2; exit 1; }
echo "$BIN"
