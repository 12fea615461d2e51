#!/usr/bin/env bash
# JS shim suite: node --test against the built package (dist/index.mjs, with
# the real WASM core), fake clock, fake timers, fake fetch/storage.
# Needs dist/ (bash scripts/build.sh). Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f dist/index.mjs ] || [ ! -f dist/clik_core.wasm ]; then
  echo "dist/ is missing: run bash scripts/build.sh first"
  exit 1
fi
# A hung test fails after 60 s instead of stalling CI.
node --test --test-timeout=60000 tests/js/
