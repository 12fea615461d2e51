-- analytics.compact_rollups folds the rollup shards into shard 0: the dashboard reads
-- the same numbers before and after (and equal to counts over the raw events), the
-- limit is honoured, events ingested after a fold still count, and only the owner
-- and service_role may run it.
BEGIN;
SELECT plan(10);
SET LOCAL client_min_messages = warning;

-- Ingest a few sessions, then spread their rollup rows over shards as several
-- backends would have (one backend writes one shard): each row's counts are split
-- between its own shard and shards 3 and 11.
SELECT test_support.as_anon();
SELECT ok((ingest_analytics_batch(
  (SELECT jsonb_agg(test_support.ev(k, 's_fold_' || s, jsonb_build_object('userCode', 'fold_card', 'shareCode', sh,
            'contactId', ct, 'pageType', 'home', 'clickTarget', 'contact.phone'), -60000 * i))
   FROM generate_series(1, 6) AS s, generate_series(1, 4) AS i,
        LATERAL (SELECT CASE WHEN i = 1 THEN 'session' WHEN i = 4 THEN 'click' ELSE 'page_view' END AS k,
                        (ARRAY['public', 'qr'])[1 + s % 2] AS sh, CASE WHEN s % 3 = 0 THEN 'c1' END AS ct) AS x))::jsonb
     ->> 'success') = 'true', 'setup: 24 events of 6 sessions stored');
RESET ROLE;
CREATE TEMP TABLE spread AS
  SELECT r.user_code, r.kind, r.day, r.share_code, r.contact_id, r.item, r.category, v.shard,
         CASE v.part WHEN 0 THEN r.events - r.events / 2 - r.events / 4 WHEN 1 THEN r.events / 2 ELSE r.events / 4 END AS events,
         CASE v.part WHEN 0 THEN r.unique_sessions - r.unique_sessions / 2 ELSE CASE v.part WHEN 1 THEN r.unique_sessions / 2 ELSE 0 END END AS unique_sessions
  FROM analytics.daily_rollups AS r,
       LATERAL (VALUES (0, r.shard), (1, (r.shard + 3) % 16), (2, (r.shard + 11) % 16)) AS v(part, shard)
  WHERE r.user_code = 'fold_card';
DELETE FROM analytics.daily_rollups WHERE user_code = 'fold_card';
INSERT INTO analytics.daily_rollups AS r SELECT * FROM spread
  ON CONFLICT ON CONSTRAINT daily_rollups_pkey DO UPDATE SET
    events = r.events + excluded.events, unique_sessions = r.unique_sessions + excluded.unique_sessions;

INSERT INTO public.user_code_ownership (user_id, user_code) VALUES ('00000000-0000-0000-0000-0000000000f0', 'fold_card');
CREATE OR REPLACE FUNCTION pg_temp.dash() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE d jsonb;
BEGIN
  PERFORM test_support.as_user('00000000-0000-0000-0000-0000000000f0');
  d := public.get_analytics_dashboard('fold_card', '{}');
  RESET ROLE;
  RETURN d - 'range';
END $$;
CREATE TEMP TABLE before AS SELECT pg_temp.dash() AS d;
SELECT is((SELECT d -> 'totals' FROM before), '{"sessions": 6, "pageViews": 12, "clicks": 6}'::jsonb,
  'setup: the spread rows add up to what was ingested');

SELECT is(analytics.compact_rollups(2), 2::bigint, 'a call folds at most max_rows rows');
SELECT is(analytics.compact_rollups(NULL) > 0, true, 'NULL folds the rest');
SELECT is((SELECT count(*) FROM analytics.daily_rollups WHERE user_code = 'fold_card' AND shard <> 0), 0::bigint,
  'every row is in shard 0 now');
SELECT is(pg_temp.dash(), (SELECT d FROM before), 'the dashboard reads the same numbers after the fold');
SELECT is(analytics.compact_rollups(NULL), 0::bigint, 'a second call has nothing to fold');

-- Events after the fold land in this backend's shard and still count.
SELECT test_support.as_anon();
SELECT ok((ingest_analytics_batch(jsonb_build_array(
  test_support.ev('page_view', 's_fold_1', '{"userCode": "fold_card", "shareCode": "qr", "pageType": "home"}'))) ::jsonb
  ->> 'page_views_inserted') = '1', 'setup: one more page view');
RESET ROLE;
SELECT is((pg_temp.dash() -> 'totals' ->> 'pageViews')::int, 13, 'a page view after the fold is counted');

SELECT ok(NOT has_function_privilege('anon', 'analytics.compact_rollups(integer)', 'EXECUTE')
          AND NOT has_function_privilege('authenticated', 'analytics.compact_rollups(integer)', 'EXECUTE')
          AND has_function_privilege('service_role', 'analytics.compact_rollups(integer)', 'EXECUTE'),
  'only service_role (and the owner) may run compact_rollups');

SELECT * FROM finish();
ROLLBACK;
