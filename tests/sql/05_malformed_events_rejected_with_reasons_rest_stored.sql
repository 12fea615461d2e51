-- Partial acceptance: every malformed event is rejected with its index and a reason,
-- and the valid events of the same payload are stored.
BEGIN;
SELECT plan(4);

CREATE TEMP TABLE cases (idx int, event jsonb, reason text);
INSERT INTO cases VALUES
  (0,  test_support.ev('page_view', 's_ok'), NULL),
  (1,  test_support.ev('page_view', 'x') #- '{data,sessionId}', 'sessionId must be a non-empty string'),
  (2,  test_support.ev('page_view', ''), 'sessionId must be a non-empty string'),
  (3,  jsonb_set(test_support.ev('page_view', 'x'), '{data,sessionId}', '42'), 'sessionId must be a non-empty string'),
  (4,  jsonb_set(test_support.ev('page_view', 'x'), '{data,timestamp}', '"yesterday"') - 'timestamp', 'timestamp must be a number (milliseconds since the epoch)'),
  (5,  (test_support.ev('page_view', 'x') #- '{data,timestamp}') - 'timestamp', 'timestamp must be a number (milliseconds since the epoch)'),
  (6,  jsonb_set(test_support.ev('page_view', 'x'), '{data,timestamp}', '1e300'), 'timestamp outside the accepted window (5 years back, 01:00:00 ahead of the server clock)'),
  (7,  jsonb_set(test_support.ev('page_view', 'x'), '{data,timestamp}', '-5'), 'timestamp outside the accepted window (5 years back, 01:00:00 ahead of the server clock)'),
  (8,  jsonb_set(test_support.ev('page_view', 'x'), '{type}', '"purchase"'), 'unknown type'),
  (9,  jsonb_set(test_support.ev('page_view', 'x'), '{type}', '7'), 'type must be a string'),
  (10, '"page_view"', 'event must be a JSON object'),
  (11, '[1, 2]', 'event must be a JSON object'),
  (12, jsonb_set(test_support.ev('page_view', 'x'), '{data}', '"s"'), 'data must be a JSON object'),
  (13, test_support.ev('page_view', 'x', '{"userCode": ["a"]}'), 'userCode must be a non-empty string'),
  (14, test_support.ev('page_view', 'x', '{"shareCode": 5}'), 'shareCode must be a string'),
  (15, test_support.ev('page_view', 'x', '{"contactId": {}}'), 'contactId must be a string'),
  (16, test_support.ev('page_view', 'x', '{"eventId": "not-a-uuid"}'), 'eventId must be a UUID string'),
  (17, test_support.ev('page_view', 'x', '{"eventId": 12}'), 'eventId must be a UUID string'),
  (18, test_support.ev('page_view', 'x', '{"pageType": null}'), 'pageType must be a non-empty string'),
  (19, test_support.ev('click', 'x', '{"clickTarget": ""}'), 'clickTarget must be a non-empty string'),
  (20, test_support.ev('click', 'x', '{"clickCategory": true}'), 'clickCategory must be a string'),
  (21, test_support.ev('session', 'x', '{"userAgent": 1}'), 'userAgent must be a string'),
  (22, test_support.ev('session', 'x', '{"referrer": []}'), 'referrer must be a string'),
  (23, test_support.ev('page_view', repeat('s', 129)), 'sessionId longer than 128'),
  (24, test_support.ev('click', 's_ok', '{"contactId": "c1"}'), NULL),
  (25, test_support.ev('session', 's_ok'), NULL);

SELECT test_support.as_anon();
CREATE TEMP TABLE result AS SELECT NULL::jsonb AS r;
RESET ROLE;
GRANT ALL ON result, cases TO anon;
SELECT test_support.as_anon();
UPDATE result SET r = ingest_analytics_batch((SELECT jsonb_agg(event ORDER BY idx) FROM cases))::jsonb;
RESET ROLE;

SELECT is((SELECT r - 'rejected' FROM result),
  '{"success": true, "processed": 26, "sessions_inserted": 1, "page_views_inserted": 1, "clicks_inserted": 1, "duplicates": 0}'::jsonb,
  'the valid events are stored');
SELECT results_eq(
  $$SELECT (x ->> 'index')::int, x ->> 'reason' FROM result, jsonb_array_elements(r -> 'rejected') x ORDER BY 1$$,
  $$SELECT idx, reason FROM cases WHERE reason IS NOT NULL ORDER BY idx$$,
  'each malformed event is rejected with its index and reason');
SELECT is((SELECT count(*) FROM analytics.page_views) + (SELECT count(*) FROM analytics.clicks), 2::bigint,
  'nothing of the rejected events is stored');
SELECT results_eq($$SELECT page_views, clicks FROM analytics.sessions WHERE session_id = 's_ok'$$,
  $$VALUES (1::bigint, 1::bigint)$$, 'the session counts only the valid events');

SELECT * FROM finish();
ROLLBACK;
