-- A malformed whole payload (not an array, empty, too many events, too many bytes)
-- gets a clear error through PostgREST's custom-status mechanism (SQLSTATE PGRST,
-- JSON message and {"status": 4xx} detail) and stores nothing.
BEGIN;
SELECT plan(13);

CREATE TEMP TABLE payloads (name text, events text, status int, code text);
INSERT INTO payloads VALUES
  ('an object', $${"type":"page_view"}$$, 400, 'invalid_payload'),
  ('a string', $$"events"$$, 400, 'invalid_payload'),
  ('JSON null', 'null', 400, 'invalid_payload'),
  ('an empty array', '[]', 400, 'invalid_payload'),
  ('501 events', (SELECT jsonb_agg(test_support.ev('page_view', 's_big'))::text FROM generate_series(1, 501)), 413, 'too_many_events'),
  ('over 1 MiB', (SELECT jsonb_agg(test_support.ev('page_view', 's_big', jsonb_build_object('pageType', 'p' || g, 'pad', repeat(md5(g::text), 80))))::text
                  FROM generate_series(1, 400) g), 413, 'payload_too_large');
GRANT SELECT ON payloads TO anon;

CREATE TEMP TABLE outcomes AS SELECT name, status, code, NULL::jsonb AS err FROM payloads;
DO $$
DECLARE p record; e jsonb;
BEGIN
  FOR p IN SELECT * FROM payloads LOOP
    PERFORM test_support.as_anon();
    e := test_support.error_of(format('SELECT public.ingest_analytics_batch(%L::jsonb)', p.events));
    PERFORM set_config('role', 'postgres', true);
    UPDATE outcomes SET err = e WHERE name = p.name;
  END LOOP;
END $$;

SELECT is(err ->> 'sqlstate', 'PGRST', name || ': raises SQLSTATE PGRST') FROM outcomes ORDER BY name;
SELECT is(jsonb_build_array((err ->> 'detail')::jsonb -> 'status', (err ->> 'message')::jsonb -> 'code'),
          jsonb_build_array(status, code), name || format(': HTTP %s, code %s', status, code))
FROM outcomes ORDER BY name;
SELECT is((SELECT count(*) FROM analytics.page_views) + (SELECT count(*) FROM analytics.sessions)
          + (SELECT count(*) FROM analytics.daily_rollups), 0::bigint, 'nothing was stored');

SELECT * FROM finish();
ROLLBACK;
