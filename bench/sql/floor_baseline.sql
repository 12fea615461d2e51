-- BASELINE FOR BENCHMARKS ONLY, never shipped: the floor of what issue #4 asks of an
-- ingest call, measured beside the seed, ours and COPY by bench/sql/run.sh.
-- It does only the two things no correct implementation can skip:
--   * read the seed's wire format out of the jsonb argument (one pass, each field once);
--   * store each event once in its raw table, under a unique index on (eventId, time):
--     what makes a retried batch harmless. The bench sends fresh batches only, so plain
--     INSERTs are its cheapest form (as in ours; a retry would make the floor raise where
--     ours skips the stored events, a path fresh batches never take).
-- Nothing else: no validation or rejection reasons, no limits, no rate limits, no session
-- counters, no unique-session marks, no rollups. So no implementation of the issue can
-- cost less per call than this; ours/floor says how much of ours is that extra work, and
-- floor/COPY how much of COPY's speed a deduplicated raw store can keep at all.
-- Its tables are copies of ours (same columns, same dedupe keys) in their own schema, so
-- the rows it stores never reach our tables, and they grow as ours do over the run.
DROP SCHEMA IF EXISTS floor_baseline CASCADE;
CREATE SCHEMA floor_baseline;
CREATE TABLE floor_baseline.session_events (LIKE analytics.session_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE floor_baseline.page_views (LIKE analytics.page_views INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE floor_baseline.clicks (LIKE analytics.clicks INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);

CREATE FUNCTION floor_baseline.ingest_analytics_batch(events jsonb)
RETURNS json
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  stored bigint;
BEGIN
  WITH e AS MATERIALIZED (
    SELECT t.e ->> 'type' AS kind, (x.d ->> 'eventId')::uuid AS event_id, x.d ->> 'sessionId' AS session_id,
           x.d ->> 'userCode' AS user_code, x.d ->> 'shareCode' AS share_code, x.d ->> 'contactId' AS contact_id,
           pg_catalog.to_timestamp(coalesce(x.d ->> 'timestamp', t.e ->> 'timestamp')::numeric / 1000) AS at,
           x.d ->> 'pageType' AS page_type, x.d ->> 'clickTarget' AS click_target,
           x.d ->> 'clickCategory' AS click_category, x.d ->> 'userAgent' AS user_agent, x.d ->> 'referrer' AS referrer
    FROM pg_catalog.jsonb_array_elements(events) AS t(e)
    CROSS JOIN LATERAL (SELECT t.e -> 'data' AS d OFFSET 0) AS x
  ), s AS (
    INSERT INTO floor_baseline.session_events (event_id, session_id, user_code, share_code, contact_id, started_at,
                                               user_agent, referrer)
    SELECT e.event_id, e.session_id, e.user_code, e.share_code, e.contact_id, e.at, e.user_agent, e.referrer
    FROM e WHERE e.kind = 'session'
    RETURNING 1
  ), p AS (
    INSERT INTO floor_baseline.page_views (event_id, session_id, user_code, share_code, contact_id, page_type, viewed_at)
    SELECT e.event_id, e.session_id, e.user_code, e.share_code, e.contact_id, e.page_type, e.at
    FROM e WHERE e.kind = 'page_view'
    RETURNING 1
  ), c AS (
    INSERT INTO floor_baseline.clicks (event_id, session_id, user_code, share_code, contact_id, click_target,
                                       click_category, clicked_at)
    SELECT e.event_id, e.session_id, e.user_code, e.share_code, e.contact_id, e.click_target, e.click_category, e.at
    FROM e WHERE e.kind = 'click'
    RETURNING 1
  )
  SELECT (SELECT pg_catalog.count(*) FROM s) + (SELECT pg_catalog.count(*) FROM p) + (SELECT pg_catalog.count(*) FROM c)
  INTO stored;
  RETURN pg_catalog.json_build_object('success', true, 'processed', pg_catalog.jsonb_array_length(events),
                                      'stored', stored);
END
$$;
REVOKE ALL ON FUNCTION floor_baseline.ingest_analytics_batch(jsonb) FROM PUBLIC;
GRANT USAGE ON SCHEMA floor_baseline TO anon;
GRANT EXECUTE ON FUNCTION floor_baseline.ingest_analytics_batch(jsonb) TO anon;
