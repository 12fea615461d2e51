#!/usr/bin/env bash
# The same batches delivered by 8 clients at once, as when a page's keepalive request and
# the next page's replay of its persisted queue, or a retry after a lost response, reach
# the server together: 40 batches of 20 events (one session each, fixed eventIds), each
# sent by all 8 clients at about the same moment (pgbench; a shared sequence hands the
# 8 clients the same batch in turn). Every delivery's result is kept; then
# each_event_stored_once_after_concurrent_deliveries.sql checks that each event was
# stored and counted exactly once, and that the deliveries' results add up to that.
# Usage: same_batches_delivered_by_eight_clients.sh DATABASE_URL
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
url=${1:?usage: same_batches_delivered_by_eight_clients.sh DATABASE_URL}
clients=8 batches=40

psql "$url" -X -q -v ON_ERROR_STOP=1 <<SQL || exit 1
SET client_min_messages = warning;
DROP TABLE IF EXISTS test_support.redelivered_batches, test_support.redelivery_results;
DROP SEQUENCE IF EXISTS test_support.redelivery_seq;
CREATE TABLE test_support.redelivered_batches AS
SELECT b, jsonb_agg(test_support.ev(CASE WHEN i = 0 THEN 'session' WHEN i % 3 = 2 THEN 'click' ELSE 'page_view' END,
                                    'redeliver_s' || b,
                                    jsonb_build_object('eventId', gen_random_uuid(), 'userCode', 'redeliver'),
                                    i * 1000 - 60000) ORDER BY i) AS events
FROM generate_series(0, $((batches - 1))) AS b, generate_series(0, 19) AS i
GROUP BY b;
CREATE TABLE test_support.redelivery_results (result jsonb NOT NULL);
CREATE SEQUENCE test_support.redelivery_seq START 0 MINVALUE 0;
GRANT SELECT ON test_support.redelivered_batches TO anon;
GRANT INSERT ON test_support.redelivery_results TO anon;
GRANT USAGE ON SEQUENCE test_support.redelivery_seq TO anon;
SQL

out=$(pgbench "$url" -n -c $clients -j $clients -t $batches -D clients=$clients \
        -f "$here/redelivered_batch.pgbench" 2>&1)
rc=$?
echo "$out" | grep -E "number of (transactions actually processed|failed)|tps|aborted|ERROR|deadlock" | sed 's/^/# pgbench: /'
if [ $rc -ne 0 ]; then echo "not ok - pgbench failed (exit $rc)"; echo "$out" | tail -20; exit 1; fi
PGOPTIONS="-c clik.batches=$batches -c clik.deliveries=$clients" \
  pg_prove -d "$url" "$here/each_event_stored_once_after_concurrent_deliveries.sql"
