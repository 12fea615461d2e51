#!/usr/bin/env bash
# 8 concurrent writers (pgbench, 8 clients x 100 batches of 20 events) on the same 3
# hot sessions of one hot card, while the housekeeping folds the rollup shards over and
# over (analytics.compact_rollups, as pg_cron would run it); then
# exact_counters_after_eight_writers.sql checks that nothing deadlocked or was lost:
# session counters and rollups equal the raw rows and the number of events sent.
# Usage: eight_writers_one_session.sh DATABASE_URL
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
url=${1:?usage: eight_writers_one_session.sh DATABASE_URL}
clients=8 per_client=100

psql "$url" -X -q -v ON_ERROR_STOP=1 -c "DELETE FROM analytics.page_views WHERE user_code = 'hot';
  DELETE FROM analytics.clicks WHERE user_code = 'hot'; DELETE FROM analytics.sessions WHERE user_code = 'hot';
  DELETE FROM analytics.daily_rollups WHERE user_code = 'hot'" || exit 1
running=$(mktemp); folds=$(mktemp)
# A fold that deadlocked with a writer (or failed otherwise) ends the loop with its error.
( n=0 moved=0
  while [ -e "$running" ]; do
    got=$(psql "$url" -X -q -At -v ON_ERROR_STOP=1 -c "SELECT analytics.compact_rollups(NULL)" 2>&1) \
      || { echo "failed: $got" >> "$folds"; break; }
    n=$((n + 1)) moved=$((moved + got))
  done
  echo "$n $moved" >> "$folds" ) &
folder=$!
out=$(pgbench "$url" -n -c $clients -j $clients -t $per_client -f "$here/hot_session_batch.pgbench" 2>&1)
rc=$?
rm -f "$running"; wait $folder
echo "$out" | grep -E "number of (transactions actually processed|failed)|tps|aborted|ERROR|deadlock" | sed 's/^/# pgbench: /'
if [ $rc -ne 0 ]; then echo "not ok - pgbench failed (exit $rc)"; echo "$out" | tail -20; exit 1; fi
if grep -q '^failed' "$folds"; then echo "not ok - compact_rollups failed while the writers ran: $(cat "$folds")"; exit 1; fi
read -r fold_calls rows_folded < <(tail -1 "$folds")
echo "# compact_rollups ran $fold_calls times while the writers ran, folding $rows_folded rows"
[ "$rows_folded" -gt 0 ] || { echo "not ok - compact_rollups folded nothing during the writers"; exit 1; }
rm -f "$folds"
PGOPTIONS="-c clik.expected_batches=$((clients * per_client))" \
  pg_prove -d "$url" "$here/exact_counters_after_eight_writers.sql"
