-- The dashboard reads a few thousand rollup rows, but its plan's cost estimates pass
-- jit_above_cost; JIT compiling then dominated the call (~80 ms of ~100 ms at 10 M
-- stored events, bench/sql/run.sh --10m). The function pins jit off for itself, so a
-- server or caller with JIT on does not pay that, and the numbers are the same.
BEGIN;
SELECT plan(4);

SELECT ok(p.proconfig @> ARRAY['jit=off'], 'get_analytics_dashboard sets jit = off for its own statements')
FROM pg_catalog.pg_proc AS p WHERE p.oid = 'public.get_analytics_dashboard(text, jsonb)'::regprocedure;

INSERT INTO public.user_code_ownership (user_id, user_code) VALUES ('00000000-0000-0000-0000-0000000000a1', 'jit_card');
SELECT is(public.ingest_analytics_batch(jsonb_build_array(
  jsonb_build_object('type', 'page_view', 'timestamp', (extract(epoch FROM now()) * 1000)::bigint,
    'data', jsonb_build_object('sessionId', 'jit_s1', 'userCode', 'jit_card', 'shareCode', 'public', 'pageType', 'home',
                               'timestamp', (extract(epoch FROM now()) * 1000)::bigint)))) ->> 'page_views_inserted', '1',
  'one page view stored for the card');

-- The caller forces JIT on for everything; the function's own setting wins inside it
-- and the caller's is back afterwards.
SET LOCAL jit = on;
SET LOCAL jit_above_cost = 0;
SELECT test_support.as_user('00000000-0000-0000-0000-0000000000a1');
SELECT is((public.get_analytics_dashboard('jit_card', '{}') -> 'totals' ->> 'pageViews')::int, 1,
          'the dashboard answers with JIT forced on by the caller');
SELECT is(current_setting('jit'), 'on', 'the caller''s jit setting is untouched after the call');

SELECT * FROM finish();
ROLLBACK;
