-- Rate limiting: per client IP (first x-forwarded-for entry) in calls per window, and
-- per userCode in events per window. Over the limit the call fails with SQLSTATE PGRST
-- whose detail asks PostgREST for HTTP 429 and a Retry-After header; nothing is stored.
BEGIN;
SELECT plan(13);

UPDATE analytics.settings SET rate_limit_ip_calls = 3, rate_limit_user_code_events = 1000, rate_window_seconds = 60;
CREATE TEMP TABLE outcomes (n int, ip text, err jsonb);
GRANT ALL ON outcomes TO anon;

DO $$
DECLARE e jsonb; i int;
BEGIN
  FOR i IN 1..4 LOOP
    PERFORM test_support.as_anon('203.0.113.9, 10.0.0.1');
    e := test_support.error_of($q$SELECT ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_rate')))$q$);
    PERFORM set_config('role', 'postgres', true);
    INSERT INTO outcomes VALUES (i, '203.0.113.9', e);
  END LOOP;
  PERFORM test_support.as_anon('192.0.2.44');
  e := test_support.error_of($q$SELECT ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_rate')))$q$);
  PERFORM set_config('role', 'postgres', true);
  INSERT INTO outcomes VALUES (5, '192.0.2.44', e);
END $$;

SELECT is((SELECT array_agg(n ORDER BY n) FROM outcomes WHERE err IS NULL), ARRAY[1, 2, 3, 5],
  'three calls from one IP pass, another IP is unaffected');
SELECT is((SELECT err ->> 'sqlstate' FROM outcomes WHERE n = 4), 'PGRST', 'the 4th call from the IP raises PGRST');
SELECT is((SELECT (err ->> 'detail')::jsonb -> 'status' FROM outcomes WHERE n = 4), '429'::jsonb, 'PostgREST is asked for HTTP 429');
SELECT is((SELECT ((err ->> 'detail')::jsonb -> 'headers' ->> 'Retry-After')::int FROM outcomes WHERE n = 4),
  greatest(1, ceil(60 - mod(extract(epoch FROM now()), 60)))::int,
  'with Retry-After = whole seconds until the 60 s window ends, rounded up (1..60, never 0)');
SELECT is((SELECT (err ->> 'message')::jsonb ->> 'code' FROM outcomes WHERE n = 4), 'rate_limited', 'the body says rate_limited');
SELECT ok((SELECT (err ->> 'message')::jsonb ?& ARRAY['code', 'message', 'details', 'hint'] FROM outcomes WHERE n = 4),
  'the body has PostgREST''s error keys');
SELECT is((SELECT count(*) FROM analytics.page_views WHERE session_id = 's_rate'), 4::bigint, 'the limited call stored nothing');

-- Per userCode, in events: a card sending more events than its window allows.
UPDATE analytics.settings SET rate_limit_ip_calls = NULL, rate_limit_user_code_events = 25;
SELECT test_support.as_anon('198.51.100.77');
SELECT is(ingest_analytics_batch((SELECT jsonb_agg(test_support.ev('page_view', 's_code_rate', '{"userCode":"hot"}')) FROM generate_series(1, 20)))::jsonb ->> 'page_views_inserted',
  '20', '20 events of a card pass');
SELECT is((test_support.error_of($q$SELECT ingest_analytics_batch((SELECT jsonb_agg(test_support.ev('page_view', 's_code_rate', '{"userCode":"hot"}')) FROM generate_series(1, 6)))$q$)
           ->> 'detail')::jsonb -> 'status', '429'::jsonb, '6 more events of the same card exceed 25 and get 429');
SELECT is(ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_other', '{"userCode":"calm"}')))::jsonb ->> 'page_views_inserted',
  '1', 'another card is unaffected');
-- A batch of several cards counts each card's own events (one card per batch is the
-- usual case, counted without grouping; this is the other path).
SELECT ingest_analytics_batch((SELECT jsonb_agg(test_support.ev('page_view', 's_mixed', jsonb_build_object('userCode', c)))
                               FROM unnest(ARRAY['mix_b', 'mix_a', 'mix_b', 'mix_c', 'mix_b', 'mix_a']) AS c));
SELECT is((test_support.error_of($q$SELECT ingest_analytics_batch((SELECT jsonb_agg(test_support.ev('page_view', 's_mixed2',
             jsonb_build_object('userCode', c))) FROM unnest(ARRAY['calm', 'hot', 'hot', 'hot', 'hot', 'hot', 'hot']) AS c))$q$)
           ->> 'message')::jsonb ->> 'details', 'limit reached for code:hot',
  'in a batch of several cards, the card over its limit is the one named in the 429');
RESET ROLE;
SELECT is((SELECT array_agg(key || '=' || hits ORDER BY key) FROM analytics.rate_limit_counters WHERE key LIKE 'code:mix_%'),
  ARRAY['code:mix_a=2', 'code:mix_b=3', 'code:mix_c=1'], 'a batch of several cards adds each card''s own event count');

-- Limits off (NULL): no counting at all.
UPDATE analytics.settings SET rate_limit_ip_calls = NULL, rate_limit_user_code_events = NULL;
DELETE FROM analytics.rate_limit_counters;
SELECT test_support.as_anon();
SELECT ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_off')));
RESET ROLE;
SELECT is((SELECT count(*) FROM analytics.rate_limit_counters), 0::bigint, 'with both limits NULL nothing is counted');

SELECT * FROM finish();
ROLLBACK;
