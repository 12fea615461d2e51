#!/usr/bin/env bash
# Long no-loss run (>= 100 000 events by default) on a throwaway PostgreSQL 15.
#   bench/reliability/no-loss.sh [--browsers N] [--events PER_BROWSER] [--seed S]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/clik-noloss-pg.XXXXXX")
cleanup() { bash "$root/scripts/pg-temp.sh" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
CLIK_TEST_PG_URL=$(bash "$root/scripts/pg-temp.sh" start "$dir") || { echo "could not start PostgreSQL 15" >&2; exit 1; }
export CLIK_TEST_PG_URL
node "$root/bench/reliability/no-loss.mjs" "$@"
