-- The seed's own test batch (serverless-ingestion.md, "Testing") succeeds unchanged with
-- the default settings, called as anon like supabase-js does (its January 2024
-- timestamps are inside the default 5-year window), and the seed's own row checks,
-- `SELECT * FROM analytics_sessions / analytics_page_views WHERE session_id = ...`, run
-- as written (as the owner, like the SQL editor) through the compatibility views.
BEGIN;
SELECT plan(12);

CREATE TEMP TABLE seed_batch AS SELECT '[
  {
    "type": "session",
    "data": {
      "sessionId": "session_test_123",
      "userCode": "myclik",
      "shareCode": "public",
      "timestamp": 1706400000000,
      "userAgent": "Test Browser",
      "referrer": "https://example.com"
    }
  },
  {
    "type": "page_view",
    "data": {
      "sessionId": "session_test_123",
      "userCode": "myclik",
      "shareCode": "public",
      "pageType": "home",
      "timestamp": 1706400001000
    }
  }
]'::jsonb AS events;
GRANT SELECT ON seed_batch TO anon;

SELECT is((SELECT max_event_age FROM analytics.settings), interval '5 years', 'default window: 5 years back');
SELECT is((SELECT max_clock_skew FROM analytics.settings), interval '1 hour', 'default window: 1 hour ahead');

SELECT test_support.as_anon();
SELECT is(
  (SELECT ingest_analytics_batch(events)::jsonb FROM seed_batch),
  '{"success": true, "processed": 2, "sessions_inserted": 1, "page_views_inserted": 1, "clicks_inserted": 0, "duplicates": 0, "rejected": []}'::jsonb,
  'the seed batch succeeds with the seed''s result keys plus duplicates and rejected');
RESET ROLE;

SELECT results_eq(
  $$SELECT session_id, user_code, share_code, first_seen, last_seen, page_views, clicks, user_agent, referrer
      FROM analytics.sessions WHERE session_id = 'session_test_123'$$,
  $$VALUES ('session_test_123', 'myclik', 'public', to_timestamp(1706400000), to_timestamp(1706400001),
            1::bigint, 0::bigint, 'Test Browser', 'https://example.com')$$,
  'the session row holds the batch''s times (not NOW()) and one page view');
SELECT results_eq(
  $$SELECT session_id, user_code, share_code, page_type, viewed_at FROM analytics.page_views WHERE session_id = 'session_test_123'$$,
  $$VALUES ('session_test_123', 'myclik', 'public', 'home', to_timestamp(1706400001))$$,
  'the page view is stored');
SELECT is((SELECT count(*) FROM analytics.session_events WHERE session_id = 'session_test_123'), 1::bigint,
  'the session event is stored');
SELECT is((SELECT sum(events) FROM analytics.daily_rollups WHERE kind = 'p' AND user_code = 'myclik' AND day = '2024-01-28'), 1::numeric,
  'the page-view rollup is updated in the same call');
SELECT is((SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE kind = 's' AND user_code = 'myclik' AND day = '2024-01-28'), 1::numeric,
  'the session rollup is updated in the same call');
SELECT is((SELECT count(*) FROM analytics.page_views WHERE event_id IS NULL), 0::bigint,
  'events without eventId get a generated one');

-- The seed's "Check if data was inserted" statements, verbatim.
SELECT results_eq(
  $$SELECT * FROM analytics_sessions WHERE session_id = 'session_test_123'$$,
  $$SELECT session_id, user_code, share_code, contact_id, first_seen, last_seen, page_views, clicks, user_agent, referrer,
           created_at, updated_at FROM analytics.sessions WHERE session_id = 'session_test_123'$$,
  'the seed''s SELECT * FROM analytics_sessions finds the session');
SELECT results_eq(
  $$SELECT session_id, page_type, viewed_at FROM (SELECT * FROM analytics_page_views WHERE session_id = 'session_test_123') AS seed_query$$,
  $$VALUES ('session_test_123', 'home', to_timestamp(1706400001))$$,
  'the seed''s SELECT * FROM analytics_page_views finds the page view');
SELECT is((SELECT count(*) FROM analytics_clicks WHERE session_id = 'session_test_123'), 0::bigint,
  'analytics_clicks is there too (the batch has no click)');

SELECT * FROM finish();
ROLLBACK;
