#!/usr/bin/env bash
# Fuzz every target for SECONDS (default 600) each, with corpora seeded from
# examples/ and policies/. Needs cargo-fuzz (`cargo install cargo-fuzz`);
# the stable toolchain is used with RUSTC_BOOTSTRAP=1 and no sanitizer.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse_bytes check_utf8 fmt lsp)
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  find examples policies -name '*.kj' -exec cp {} "fuzz/corpus/$target/" \;
done
cd fuzz
for target in "${targets[@]}"; do
  echo "== $target for ${seconds}s"
  # A crash ends that target's run (its input is in fuzz/artifacts/TARGET/);
  # the next target still runs.
  RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O "$target" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 2>&1 | tail -n 5 || echo "!! $target stopped: see fuzz/artifacts/$target/"
done
