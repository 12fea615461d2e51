-- Session counters add every event of a batch (3 page views add 3), last_seen is the
-- latest event time (not NOW()), first_seen the earliest, and a session the batch
-- never opened is created and counted. A session's card attributes are its session
-- event's when the batch has one, else any event's.
BEGIN;
SELECT plan(9);

SELECT test_support.as_anon();
SELECT is(
  ingest_analytics_batch(jsonb_build_array(
    test_support.ev('session', 's_many', '{}', -60000),
    test_support.ev('page_view', 's_many', '{}', -50000),
    test_support.ev('page_view', 's_many', '{"pageType":"contact"}', -10000),   -- latest, out of order
    test_support.ev('page_view', 's_many', '{}', -40000),
    test_support.ev('click', 's_many', '{}', -30000),
    test_support.ev('click', 's_many', '{"clickTarget":"socialChannels.x","clickCategory":"social"}', -20000),
    test_support.ev('page_view', 's_unopened', '{}', -5000),
    test_support.ev('page_view', 's_unopened', '{}', -4000),
    test_support.ev('click', 's_unopened', '{"clickTarget":"aiAgent","clickCategory":null}', -3000)
  ))::jsonb - 'rejected',
  '{"success": true, "processed": 9, "sessions_inserted": 1, "page_views_inserted": 5, "clicks_inserted": 3, "duplicates": 0}'::jsonb,
  'one call stores every event');
SELECT is(
  ingest_analytics_batch(jsonb_build_array(
    test_support.ev('page_view', 's_many', '{}', -1000),
    test_support.ev('click', 's_many', '{}', -900)))::jsonb ->> 'page_views_inserted', '1',
  'a second call for the same session');
RESET ROLE;

SELECT results_eq(
  $$SELECT page_views, clicks, first_seen, last_seen FROM analytics.sessions WHERE session_id = 's_many'$$,
  $$SELECT 4::bigint, 3::bigint, to_timestamp((test_support.now_ms() - 60000) / 1000.0),
           to_timestamp((test_support.now_ms() - 900) / 1000.0)$$,
  'counters add every event of both calls; first/last_seen are the event times');
SELECT results_eq(
  $$SELECT page_views, clicks, user_code, share_code, last_seen FROM analytics.sessions WHERE session_id = 's_unopened'$$,
  $$SELECT 2::bigint, 1::bigint, 'card1', 'public', to_timestamp((test_support.now_ms() - 3000) / 1000.0)$$,
  'a session the batch never opened is created and counted');
SELECT is((SELECT page_views FROM analytics.sessions WHERE session_id = 's_many'),
          (SELECT count(*) FROM analytics.page_views WHERE session_id = 's_many'),
          'session page_views equals the stored page views');
SELECT is((SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE kind = 's' AND user_code = 'card1'), 2::numeric,
  'both sessions are counted once in the daily rollup');
SELECT is((SELECT category FROM (SELECT click_category AS category FROM analytics.clicks WHERE session_id = 's_unopened') c),
  'aiAgent', 'a click without clickCategory gets the seed''s category rule');

-- Card attributes: the session event's (its empty contactId is none, so the page view's
-- counts), user agent and referrer from the session event; without a session event, the
-- events' own values ('' stays '' for a share code, is none for a contact).
SELECT test_support.as_anon();
SELECT ingest_analytics_batch(jsonb_build_array(
  test_support.ev('page_view', 's_attrs', '{"shareCode":"zeta","contactId":"c9"}', -2000),
  test_support.ev('session', 's_attrs', '{"shareCode":"alpha","contactId":"","userAgent":"UA-1"}', -3000),
  test_support.ev('page_view', 's_attrs2', '{"shareCode":"","contactId":""}', -1000)));
RESET ROLE;
SELECT results_eq(
  $$SELECT share_code, contact_id, user_agent, referrer FROM analytics.sessions WHERE session_id = 's_attrs'$$,
  $$VALUES ('alpha', 'c9', 'UA-1', 'https://example.com')$$,
  'a session takes its session event''s card attributes, user agent and referrer');
SELECT results_eq(
  $$SELECT share_code, contact_id, user_agent FROM analytics.sessions WHERE session_id = 's_attrs2'$$,
  $$VALUES ('', NULL::text, NULL::text)$$,
  'without a session event, the events'' own values');

SELECT * FROM finish();
ROLLBACK;
