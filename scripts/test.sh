#!/usr/bin/env bash
# All tests, on a fresh machine: installs what the tests need and the machine
# lacks (Chromium, CJK fonts and pdftotext for the browser test of the HTML report),
# then runs the whole workspace's tests with that test required, not skipped.
# (The SARIF schema is vendored in tests/fixtures/; nothing is fetched.)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# The C compiler builds mimalloc, the binary's allocator (and links Rust).
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "cjk" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

KOUJING_REQUIRE_CHROMIUM=1 cargo test --workspace
# The VS Code extension's TextMate grammar, tokenised as VS Code does.
(cd lsp/vscode && npm ci --no-audit --no-fund && npm test)
# Pathological inputs (5 MB lines, 100,000 campaigns, 10,000 regions, …), in release.
cargo test --release --test limits -- --ignored
