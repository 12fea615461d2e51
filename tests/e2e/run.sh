#!/usr/bin/env bash
# End-to-end suite: the demo stack (dev gateway over a throwaway PostgreSQL 15,
# share page, dashboard) driven by Debian's Chromium and by simulated visitors
# through the real SDK. Needs the build (dist/, build/wasm). Screenshots go to
# test-artifacts/.
set -uo pipefail
cd "$(dirname "$0")/../.."
for f in dist/script/clik.js dist/index.mjs; do
  [ -f "$f" ] || { echo "e2e: $f is missing: run npm run build first" >&2; exit 1; }
done
node --test --test-concurrency=1 --test-reporter=spec tests/e2e/*.test.mjs
