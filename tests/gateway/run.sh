#!/usr/bin/env bash
# The dev gateway's suite: starts a throwaway PostgreSQL 15 (scripts/pg-temp.sh),
# runs tests/gateway/*.test.mjs with node --test against it (each file uses its
# own fresh database; the PGlite file needs none), and stops the cluster.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/clik-gateway-pg.XXXXXX")
cleanup() { bash scripts/pg-temp.sh stop "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM
if ! CLIK_TEST_PG_URL=$(bash scripts/pg-temp.sh start "$dir"); then
  echo "gateway suite: could not start PostgreSQL 15 (scripts/pg-temp.sh)" >&2
  exit 1
fi
export CLIK_TEST_PG_URL
# One file at a time: they share the cluster's roles (cluster-wide objects).
node --test --test-concurrency=1 --test-reporter=spec tests/gateway/*.test.mjs
