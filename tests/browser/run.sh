#!/usr/bin/env bash
# Browser suite: the script-tag build (dist/script/) in Debian's Chromium against
# the dev gateway over a throwaway PostgreSQL 15, page and RPC endpoint on two
# origins. Every server, cluster and browser is started and stopped by the tests
# (tests/browser/stack.mjs).
set -uo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/script/clik.js ] || { echo "browser: dist/script/clik.js is missing: run npm run build first" >&2; exit 1; }
node --test --test-concurrency=1 --test-reporter=spec tests/browser/*.test.mjs
