-- The seed's own test batch (serverless-ingestion.md, "Testing") succeeds unchanged,
-- called as anon like supabase-js does. Its timestamps are from January 2024, so the
-- deployment's accepted window must cover them (settings.max_event_age); with the
-- default 7-day window the same batch is answered with per-event rejections instead.
BEGIN;
SELECT plan(9);

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

SELECT test_support.as_anon();
SELECT is(
  (SELECT ingest_analytics_batch(events)::jsonb FROM seed_batch) - 'rejected',
  '{"success": true, "processed": 2, "sessions_inserted": 0, "page_views_inserted": 0, "clicks_inserted": 0, "duplicates": 0}'::jsonb,
  'default window: the 2024 batch is processed but nothing is stored');
SELECT is(
  (SELECT jsonb_path_query_array(ingest_analytics_batch(events)::jsonb, '$.rejected[*].index') FROM seed_batch),
  '[0, 1]'::jsonb, 'default window: both events are rejected by index');
RESET ROLE;

UPDATE analytics.settings SET max_event_age = interval '5 years';
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
SELECT is((SELECT sum(views) FROM analytics.daily_page_views WHERE user_code = 'myclik' AND day = '2024-01-28'), 1::numeric,
  'the page-view rollup is updated in the same call');
SELECT is((SELECT sum(sessions) FROM analytics.daily_sessions WHERE user_code = 'myclik' AND day = '2024-01-28'), 1::numeric,
  'the session rollup is updated in the same call');
SELECT is((SELECT count(*) FROM analytics.page_views WHERE event_id IS NULL), 0::bigint,
  'events without eventId get a generated one');

SELECT * FROM finish();
ROLLBACK;
