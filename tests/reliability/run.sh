#!/usr/bin/env bash
# The reliability suite (part of npm test): starts a throwaway PostgreSQL 15
# (scripts/pg-temp.sh), runs tests/reliability/*.test.mjs with node --test against
# it (each file uses its own fresh database behind its own dev gateway), and stops
# the cluster. Exits non-zero on any failure: a successful attack, a 5xx or an
# unclear answer to bad input, a lost or duplicated event.
# One file alone: node --test tests/reliability/security.test.mjs (starts its own cluster).
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/clik-reliability-pg.XXXXXX")
cleanup() { bash scripts/pg-temp.sh stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
if ! CLIK_TEST_PG_URL=$(bash scripts/pg-temp.sh start "$dir"); then
  echo "reliability suite: could not start PostgreSQL 15 (scripts/pg-temp.sh)" >&2
  exit 1
fi
export CLIK_TEST_PG_URL
# One file at a time: they share the cluster's roles, and the machine has 2 cores.
node --test --test-concurrency=1 --test-reporter=spec tests/reliability/*.test.mjs
