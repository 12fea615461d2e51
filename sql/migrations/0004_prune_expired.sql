-- Housekeeping. Safe to re-apply.
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
