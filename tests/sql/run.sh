#!/usr/bin/env bash
# The SQL suite: a throwaway PostgreSQL 15 cluster, sql/ applied to it, then
#   * every pgTAP file tests/sql/NN_*.sql (pg_prove; each runs in a rolled-back transaction),
#   * 8 concurrent writers on one hot session/card (pgbench), then their exact-counter check,
#   * the same batches delivered by 8 clients at once, then the check that each event was
#     stored and counted once,
#   * the same migrations on PGlite (node).
# The cluster is always stopped (trap). Exits non-zero if anything failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$(mktemp -d /tmp/clik-sql-test.XXXXXX)
trap 'bash "$root/scripts/pg-temp.sh" stop "$dir"' EXIT
url=$(bash "$root/scripts/pg-temp.sh" start "$dir") || exit 1
export PGUSER=postgres PGHOST=127.0.0.1 PGPORT=$(cat "$dir/port") PGDATABASE=postgres

status=0
step() { echo "--- $1"; }

step "apply sql/ (compat + migrations), twice: every file must be re-appliable"
bash "$root/sql/apply.sh" "$url" && bash "$root/sql/apply.sh" "$url" || exit 1
psql "$url" -X -q -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -f "$here/support/helpers.sql" >/dev/null || exit 1

step "pgTAP"
pg_prove --ext .sql -f "$here"/[0-9][0-9]_*.sql || status=1

step "8 concurrent writers on one session and one card"
bash "$here/concurrency/eight_writers_one_session.sh" "$url" || status=1

step "the same batches delivered by 8 clients at once"
bash "$here/concurrency/same_batches_delivered_by_eight_clients.sh" "$url" || status=1

step "PGlite"
node "$here/pglite_applies_and_ingests.mjs" || status=1

[ $status = 0 ] && echo "sql suite: passed" || echo "sql suite: FAILED"
exit $status
