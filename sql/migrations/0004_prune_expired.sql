-- Housekeeping: expired rate-limit counters, and folding rollup shards.
-- Safe to re-apply.
--
-- analytics.prune_expired(): deletes rate-limit counters of windows that ended more
-- than an hour ago (one row per client IP / userCode per window per shard accumulates
-- otherwise). Raw events and rollups are kept: retention is the owner's decision.
-- Who may call: the database owner and service_role (e.g. from pg_cron every 10 minutes,
-- or a scheduled Edge Function); not anon/authenticated. Safe: it deletes only
-- counter rows no ingest call reads any more (they read the current window only).
CREATE OR REPLACE FUNCTION analytics.prune_expired()
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER
SET search_path = ''
AS $$
  WITH gone AS (
    DELETE FROM analytics.rate_limit_counters AS c
    WHERE c.window_start < pg_catalog.now() - interval '1 hour'
    RETURNING 1
  )
  SELECT pg_catalog.count(*) FROM gone
$$;
REVOKE ALL ON FUNCTION analytics.prune_expired() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION analytics.prune_expired() TO service_role;
COMMENT ON FUNCTION analytics.prune_expired() IS
  'Deletes expired rate-limit counters. Owner/service_role only (schedule it, e.g. pg_cron every 10 minutes).';

-- analytics.compact_rollups(max_rows): folds rollup rows into shard 0. Ingest spreads
-- a bucket over up to settings.rollup_shards rows (one per backend) so that concurrent
-- batches of a hot card do not queue on one row; that spread then costs the dashboard,
-- which sums every row of its range (a hot card's week at 10 M stored events over 16
-- shards: 38-72 ms, folded 5.6-9.4 ms in runs of bench/sql/run.sh --10m). Folds at most max_rows rows
-- per call (NULL: all) and returns how many it folded; rows written after a fold are
-- folded by the next call.
-- Who may call: the database owner and service_role (e.g. pg_cron every 10 minutes,
-- with prune_expired); not anon/authenticated. Safe: a fold moves counts between rows
-- of one bucket in one transaction, so every sum the dashboard reads is unchanged;
-- it locks the rows it folds in key (primary key) order and then the shard-0 rows in
-- key order, the order the ingest locks rollup rows in, so it never deadlocks with it;
-- an ingest waiting on a row it deletes inserts its shard's row afresh.
CREATE OR REPLACE FUNCTION analytics.compact_rollups(max_rows integer DEFAULT 100000)
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER
SET search_path = ''
AS $$
  WITH doomed AS MATERIALIZED (
    SELECT r.ctid AS row_id
    FROM analytics.daily_rollups AS r
    WHERE r.shard <> 0
    ORDER BY r.user_code, r.kind, r.day, r.share_code, r.contact_id, r.item, r.category, r.shard
    LIMIT max_rows
    FOR UPDATE
  ), moved AS (
    DELETE FROM analytics.daily_rollups AS r
    USING doomed AS d
    WHERE r.ctid = d.row_id
    RETURNING r.user_code, r.kind, r.day, r.share_code, r.contact_id, r.item, r.category, r.events, r.unique_sessions
  ), folded AS (
    INSERT INTO analytics.daily_rollups AS r (user_code, kind, day, share_code, contact_id, item, category, shard,
                                              events, unique_sessions)
    SELECT m.user_code, m.kind, m.day, m.share_code, m.contact_id, m.item, m.category, 0,
           pg_catalog.sum(m.events), pg_catalog.sum(m.unique_sessions)
    FROM moved AS m
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ON CONSTRAINT daily_rollups_pkey DO UPDATE SET
      events = r.events + excluded.events, unique_sessions = r.unique_sessions + excluded.unique_sessions
  )
  SELECT pg_catalog.count(*) FROM moved
$$;
REVOKE ALL ON FUNCTION analytics.compact_rollups(integer) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION analytics.compact_rollups(integer) TO service_role;
COMMENT ON FUNCTION analytics.compact_rollups(integer) IS
  'Folds rollup shards into shard 0 (the dashboard reads fewer rows; sums unchanged). Owner/service_role only (schedule it, e.g. pg_cron every 10 minutes).';
