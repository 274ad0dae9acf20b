#!/usr/bin/env bash
# All tests, on a fresh machine: installs what the tests need and the machine
# lacks (Chromium and CJK fonts for the report test, npm for the official
# SARIF schema), then runs the whole workspace's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
fc-list 2>/dev/null | grep -qi "cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo test --workspace
# The VS Code extension's TextMate grammar, tokenised as VS Code does.
(cd lsp/vscode && npm ci --no-audit --no-fund && npm test)
# Pathological inputs (5 MB lines, 100,000 campaigns, 10,000 regions, …), in release.
cargo test --release --test limits -- --ignored
