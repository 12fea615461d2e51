#!/usr/bin/env bash
# The JS benchmark (not a test): script-tag download size and per-trackClick
# main-thread cost in Chromium against posthog-js, mixpanel-browser,
# @segment/analytics-next and a pure-JS baseline. Prints a markdown table.
# Needs the build (npm run build). Options: --calls N --rounds R.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/script/clik.js ] || { echo "bench/js: dist/script/clik.js is missing: run npm run build first" >&2; exit 1; }
node bench/js/bench.mjs "$@"
