#!/usr/bin/env bash
# Core suite: Catch2 natively (g++), the same under ASan+UBSan, a short
# libFuzzer run (clang-14), and the node smoke test against build/wasm
# (built beforehand by scripts/build.sh). Exits non-zero on any failure.
#   CLIK_FUZZ_SECONDS=N  fuzz time (default 30; a longer run: see bench/core/README.md)
set -uo pipefail
cd "$(dirname "$0")/../.."
export NODE_PATH=/usr/share/nodejs
fuzz_seconds=${CLIK_FUZZ_SECONDS:-30}
failed=()

step() {  # step NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo "--- core: $name"
  if "$@"; then
    echo "--- core: $name ok ($((SECONDS - start)) s)"
  else
    echo "--- core: $name FAILED"
    failed+=("$name")
  fi
}

build_and_test() {  # build_and_test PRESET
  cmake --preset "$1" >/dev/null &&
    cmake --build --preset "$1" &&
    ctest --preset "$1" --output-on-failure
}

fuzz() {
  cmake --preset fuzz >/dev/null && cmake --build --preset fuzz || return 1
  local corpus=build/fuzz/corpus
  mkdir -p "$corpus"
  build/fuzz/tests/core/clik_core_fuzz -max_total_time="$fuzz_seconds" -max_len=8192 \
    -print_final_stats=1 "$corpus" tests/core/fuzz_corpus 2>&1 | tail -n 12
  return "${PIPESTATUS[0]}"
}

wasm_smoke() {
  if [ ! -f build/wasm/clik_core.wasm ] || [ ! -f build/wasm/clik_core.mjs ]; then
    echo "build/wasm is missing: run scripts/build.sh (cmake --preset wasm && cmake --build --preset wasm) first"
    return 1
  fi
  node --test tests/core/
}

step "native ctest" build_and_test native
step "asan+ubsan ctest" build_and_test asan
step "fuzz ${fuzz_seconds}s" fuzz
step "wasm smoke (node --test)" wasm_smoke

if [ ${#failed[@]} -gt 0 ]; then
  echo "core: FAILED: ${failed[*]}"
  exit 1
fi
echo "core: all passed"
