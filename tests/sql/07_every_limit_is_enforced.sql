-- Every limit in analytics.settings, at its boundary: the largest allowed value is
-- accepted, one more is rejected (string lengths per field, the time window both
-- ways, events per call); and the optional card registry check.
BEGIN;
SELECT plan(19);

CREATE TEMP TABLE cases (name text, event jsonb, accepted boolean);
INSERT INTO cases
SELECT name, test_support.ev(kind, coalesce(sid, 's_lim'), jsonb_build_object(field, repeat('x', len))), ok
FROM (VALUES
  ('sessionId 128', 'page_view', 'sessionId', 128, true), ('sessionId 129', 'page_view', 'sessionId', 129, false),
  ('userCode 64', 'page_view', 'userCode', 64, true), ('userCode 65', 'page_view', 'userCode', 65, false),
  ('shareCode 64', 'page_view', 'shareCode', 64, true), ('shareCode 65', 'page_view', 'shareCode', 65, false),
  ('contactId 128', 'page_view', 'contactId', 128, true), ('contactId 129', 'page_view', 'contactId', 129, false),
  ('pageType 64', 'page_view', 'pageType', 64, true), ('pageType 65', 'page_view', 'pageType', 65, false),
  ('clickTarget 512', 'click', 'clickTarget', 512, true), ('clickTarget 513', 'click', 'clickTarget', 513, false),
  ('clickCategory 64', 'click', 'clickCategory', 64, true), ('clickCategory 65', 'click', 'clickCategory', 65, false),
  ('userAgent 1024', 'session', 'userAgent', 1024, true), ('userAgent 1025', 'session', 'userAgent', 1025, false),
  ('referrer 1024', 'session', 'referrer', 1024, true), ('referrer 1025', 'session', 'referrer', 1025, false)
) AS v(name, kind, field, len, ok)
LEFT JOIN LATERAL (SELECT NULL::text AS sid) s ON true;
UPDATE cases SET event = jsonb_set(event, '{data,sessionId}', to_jsonb(repeat('x', 128))) WHERE name = 'sessionId 128';
UPDATE cases SET event = jsonb_set(event, '{data,sessionId}', to_jsonb(repeat('x', 129))) WHERE name = 'sessionId 129';
INSERT INTO cases VALUES
  ('timestamp 5 years - 1 min ago', test_support.ev('page_view', 's_lim', '{}', -(test_support.interval_ms('5 years') - 60000)), true),
  ('timestamp 5 years + 1 min ago', test_support.ev('page_view', 's_lim', '{}', -(test_support.interval_ms('5 years') + 60000)), false),
  ('timestamp 59 min ahead', test_support.ev('page_view', 's_lim', '{}', 59 * 60000), true),
  ('timestamp 61 min ahead', test_support.ev('page_view', 's_lim', '{}', 61 * 60000), false);
ALTER TABLE cases ADD COLUMN idx serial;
GRANT SELECT ON cases TO anon;

CREATE TEMP TABLE result (r jsonb);
GRANT ALL ON result TO anon;
SELECT test_support.as_anon();
INSERT INTO result SELECT ingest_analytics_batch((SELECT jsonb_agg(event ORDER BY idx) FROM cases))::jsonb;
RESET ROLE;

SELECT is(
  (SELECT array_agg(c.name ORDER BY c.idx) FROM cases c
   WHERE NOT c.accepted AND NOT EXISTS (SELECT 1 FROM result, jsonb_array_elements(r -> 'rejected') x
                                          WHERE (x ->> 'index')::int = c.idx - 1)),
  NULL, 'every value one past a limit is rejected');
SELECT is(
  (SELECT array_agg(c.name ORDER BY c.idx) FROM cases c
   WHERE c.accepted AND EXISTS (SELECT 1 FROM result, jsonb_array_elements(r -> 'rejected') x
                                  WHERE (x ->> 'index')::int = c.idx - 1)),
  NULL, 'every value at a limit is accepted');
SELECT is((SELECT x ->> 'reason' FROM result, jsonb_array_elements(r -> 'rejected') x
           JOIN cases c ON c.idx - 1 = (x ->> 'index')::int WHERE c.name = 'clickTarget 513'),
          'clickTarget longer than 512', 'the reason names the field and its limit');

-- Events per call: exactly 500 is fine.
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch((SELECT jsonb_agg(test_support.ev('page_view', 's_500')) FROM generate_series(1, 500)))::jsonb ->> 'page_views_inserted',
  '500', '500 events in one call are accepted (501 is refused: see 06)');
RESET ROLE;

-- The limits come from analytics.settings: lowering one takes effect on the next call.
UPDATE analytics.settings SET max_events_per_call = 2, max_code_length = 3;
SELECT test_support.as_anon();
SELECT is((test_support.error_of($$SELECT ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 'a'), test_support.ev('page_view', 'b'), test_support.ev('page_view', 'c')))$$)
          ->> 'detail')::jsonb -> 'status', '413'::jsonb, 'max_events_per_call is read from settings');
SELECT is(ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 'a', '{"pageType":"abcd"}')))::jsonb -> 'rejected' -> 0 ->> 'reason',
  'userCode longer than 3', 'string limits are read from settings');
RESET ROLE;
UPDATE analytics.settings SET max_events_per_call = 500, max_code_length = 64;

-- Optional card registry: off by default; on, unknown userCodes are rejected per event.
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_reg', '{"userCode":"nobody"}')))::jsonb ->> 'page_views_inserted',
  '1', 'registry off: any userCode is accepted');
RESET ROLE;
UPDATE analytics.settings SET require_registered_user_code = true;
INSERT INTO public.user_code_ownership (user_id, user_code) VALUES (gen_random_uuid(), 'registered');
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch(jsonb_build_array(
            test_support.ev('page_view', 's_reg', '{"userCode":"nobody"}'),
            test_support.ev('page_view', 's_reg2', '{"userCode":"registered"}')))::jsonb - 'processed' - 'duplicates',
  '{"success": true, "sessions_inserted": 0, "page_views_inserted": 1, "clicks_inserted": 0, "rejected": [{"index": 0, "reason": "unknown userCode"}]}'::jsonb,
  'registry on: unknown userCodes are rejected, registered ones stored');
RESET ROLE;
UPDATE analytics.settings SET require_registered_user_code = false;

-- Settings are not reachable by API roles.
SELECT test_support.as_anon();
SELECT is(test_support.error_of('UPDATE analytics.settings SET max_events_per_call = 100000') ->> 'sqlstate', '42501', 'anon cannot change the limits');
RESET ROLE;
SELECT test_support.as_user(gen_random_uuid());
SELECT is(test_support.error_of('UPDATE analytics.settings SET rate_limit_ip_calls = NULL') ->> 'sqlstate', '42501', 'a signed-in user cannot change the limits');
RESET ROLE;

-- Window boundaries again, as individual accepted/rejected checks with the configured window.
UPDATE analytics.settings SET max_event_age = interval '1 day', max_clock_skew = interval '5 minutes';
SELECT test_support.as_anon();
SELECT is(jsonb_array_length(ingest_analytics_batch(jsonb_build_array(
            test_support.ev('page_view', 's_w', '{}', -(86400 - 1) * 1000),
            test_support.ev('page_view', 's_w', '{}', -(86400 + 1) * 1000),
            test_support.ev('page_view', 's_w', '{}', 299 * 1000),
            test_support.ev('page_view', 's_w', '{}', 301 * 1000)))::jsonb -> 'rejected'), 2, 'a configured window: two of four rejected');
RESET ROLE;
SELECT is((SELECT count(*) FROM analytics.page_views WHERE session_id = 's_w'), 2::bigint, 'the two inside the window are stored');

-- Numbers as strings are not timestamps; fractional milliseconds are.
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch(jsonb_build_array(
            jsonb_set(test_support.ev('page_view', 's_ts'), '{data,timestamp}', to_jsonb(test_support.now_ms()::text)),
            jsonb_set(test_support.ev('page_view', 's_ts'), '{data,timestamp}', to_jsonb(test_support.now_ms() + 0.5))))::jsonb -> 'rejected',
  '[{"index": 0, "reason": "timestamp must be a number (milliseconds since the epoch)"}]'::jsonb, 'timestamps must be JSON numbers');
RESET ROLE;

-- A per-payload byte limit exists too (06 shows it at 1 MiB).
SELECT is((SELECT max_payload_bytes FROM analytics.settings), 1048576, 'payload byte limit is 1 MiB');
SELECT is((SELECT max_events_per_call FROM analytics.settings), 500, 'events per call limit is 500');
SELECT is((SELECT max_event_age FROM analytics.settings), interval '1 day', 'settings hold the window');
SELECT ok((SELECT count(*) = 1 FROM analytics.settings), 'settings is a single row');
SELECT throws_ok($$INSERT INTO analytics.settings (singleton) VALUES (false)$$, '23514', NULL, 'a second settings row is impossible');
SELECT is((SELECT count(*) FROM cases), 22::bigint, 'the boundary table covers 9 string fields and 2 window edges');

SELECT * FROM finish();
ROLLBACK;
