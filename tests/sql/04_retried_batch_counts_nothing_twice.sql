-- Idempotency: a batch retried with the same eventIds inserts nothing twice and counts
-- nothing twice (raw rows, session counters, rollups); a repeated eventId inside one
-- payload is a duplicate too; events without eventId (seed format) are still accepted.
BEGIN;
SELECT plan(11);

CREATE TEMP TABLE batch AS SELECT jsonb_build_array(
  test_support.ev('session', 's_retry', '{"eventId":"01900000-0000-7000-8000-000000000001"}', -5000),
  test_support.ev('page_view', 's_retry', '{"eventId":"01900000-0000-7000-8000-000000000002"}', -4000),
  test_support.ev('page_view', 's_retry', '{"eventId":"01900000-0000-7000-8000-000000000003"}', -3000),
  test_support.ev('click', 's_retry', '{"eventId":"01900000-0000-7000-8000-000000000004"}', -2000)
) AS events;
GRANT SELECT ON batch TO anon;

CREATE TEMP TABLE state_after AS SELECT 0 AS n, NULL::jsonb AS s;
CREATE OR REPLACE FUNCTION pg_temp.snapshot() RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object(
    'raw', (SELECT count(*) FROM analytics.page_views WHERE session_id = 's_retry')
         + (SELECT count(*) FROM analytics.clicks WHERE session_id = 's_retry')
         + (SELECT count(*) FROM analytics.session_events WHERE session_id = 's_retry'),
    'session', (SELECT to_jsonb(s) - 'updated_at' FROM analytics.sessions s WHERE session_id = 's_retry'),
    'rollups', jsonb_build_array(
      (SELECT sum(events) FROM analytics.daily_rollups WHERE kind = 'p' AND user_code = 'card1'),
      (SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE kind = 'p' AND user_code = 'card1'),
      (SELECT sum(events) FROM analytics.daily_rollups WHERE kind = 't' AND user_code = 'card1'),
      (SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE kind = 'c' AND user_code = 'card1'),
      (SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE kind = 's' AND user_code = 'card1')))
$$;

SELECT test_support.as_anon();
SELECT is((SELECT ingest_analytics_batch(events)::jsonb FROM batch) - 'rejected',
  '{"success": true, "processed": 4, "sessions_inserted": 1, "page_views_inserted": 2, "clicks_inserted": 1, "duplicates": 0}'::jsonb,
  'first send stores all four events');
RESET ROLE;
CREATE TEMP TABLE first_state AS SELECT pg_temp.snapshot() AS s;

SELECT test_support.as_anon();
SELECT is((SELECT ingest_analytics_batch(events)::jsonb FROM batch) - 'rejected',
  '{"success": true, "processed": 4, "sessions_inserted": 0, "page_views_inserted": 0, "clicks_inserted": 0, "duplicates": 4}'::jsonb,
  'the retried batch inserts nothing and reports 4 duplicates');
RESET ROLE;
SELECT is(pg_temp.snapshot(), (SELECT s FROM first_state), 'raw rows, session counters and rollups are unchanged by the retry');

-- A retry that overlaps the first batch and brings one new event.
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch((SELECT events FROM batch) || jsonb_build_array(
            test_support.ev('page_view', 's_retry', '{"eventId":"01900000-0000-7000-8000-000000000005"}', -1000)))::jsonb
          - 'rejected',
  '{"success": true, "processed": 5, "sessions_inserted": 0, "page_views_inserted": 1, "clicks_inserted": 0, "duplicates": 4}'::jsonb,
  'an overlapping retry stores only the new event');
RESET ROLE;
SELECT is((SELECT page_views FROM analytics.sessions WHERE session_id = 's_retry'), 3::bigint, 'the session counts 3 page views, not 5');
SELECT is((SELECT sum(events) FROM analytics.daily_rollups WHERE kind = 'p' AND user_code = 'card1'), 3::numeric, 'the rollup counts 3 page views');
SELECT is((SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE kind = 'p' AND user_code = 'card1'), 1::numeric,
  'the session still counts once as a unique session');

-- The same eventId twice in one payload.
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch(jsonb_build_array(
            test_support.ev('click', 's_twice', '{"eventId":"01900000-0000-7000-8000-0000000000aa"}'),
            test_support.ev('click', 's_twice', '{"eventId":"01900000-0000-7000-8000-0000000000aa"}')))::jsonb ->> 'duplicates',
  '1', 'a repeated eventId inside one payload is stored once');
-- The retry of an event whose timestamp is only on the event, not in its data (the dedupe
-- key's time is read from either place, by the ingest and by its duplicate check alike).
SELECT is((SELECT array_agg(d ORDER BY d) FROM (
             SELECT ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_top_ts',
                      '{"eventId":"01900000-0000-7000-8000-0000000000ab"}') #- '{data,timestamp}'))::jsonb ->> 'duplicates' AS d
             FROM generate_series(1, 2)) AS sends),
  ARRAY['0', '1'], 'an event timed only at its top level is stored once and its retry is a duplicate');
-- Seed-format events without eventId are accepted (and cannot be deduplicated).
SELECT is(ingest_analytics_batch(jsonb_build_array(
            test_support.ev('page_view', 's_noid'), test_support.ev('page_view', 's_noid')))::jsonb ->> 'page_views_inserted',
  '2', 'events without eventId are accepted');
RESET ROLE;
SELECT is((SELECT clicks FROM analytics.sessions WHERE session_id = 's_twice'), 1::bigint, 'the repeated click counts once');

SELECT * FROM finish();
ROLLBACK;
