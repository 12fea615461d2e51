-- Grants and RLS: the API roles cannot select, insert, update or delete any analytics
-- table (they are in an unexposed schema, privileges revoked, RLS on with no policy);
-- the functions are reachable only as intended and their search_path is fixed.
BEGIN;
SELECT plan(29);

CREATE TEMP TABLE analytics_tables AS
  SELECT c.relname::text AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'analytics' AND c.relkind IN ('r', 'p');

SELECT is((SELECT array_agg(t ORDER BY t) FROM analytics_tables),
          ARRAY['clicks', 'daily_rollups', 'page_views', 'rate_limit_counters', 'session_bucket_marks',
                'session_events', 'sessions', 'settings'],
          'the analytics schema has the expected tables (each one below is checked)');

-- Every table: RLS on, no policy at all, no privilege for anon/authenticated/PUBLIC.
SELECT is(array_agg(t ORDER BY t) FILTER (WHERE NOT c.relrowsecurity), NULL, 'RLS is enabled on every analytics table')
FROM analytics_tables JOIN pg_class c ON c.relname = t AND c.relnamespace = 'analytics'::regnamespace;
SELECT is((SELECT count(*) FROM pg_policies WHERE schemaname = 'analytics'), 0::bigint,
  'no RLS policy exists on analytics tables (nothing opens rows to API roles)');
SELECT ok(NOT has_schema_privilege(r, 'analytics', 'USAGE'), r || ' has no USAGE on schema analytics')
FROM unnest(ARRAY['anon', 'authenticated']) AS r;
SELECT is((SELECT array_agg(t || ':' || p ORDER BY t, p) FROM analytics_tables
           CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
           WHERE has_table_privilege(r, 'analytics.' || quote_ident(t), p)),
          NULL, r || ' holds no privilege on any analytics table')
FROM unnest(ARRAY['anon', 'authenticated']) AS r;

-- And trying it, as anon and as a signed-in user: permission denied for every table and verb.
CREATE TEMP TABLE attempts AS
SELECT r, t, c.verb, test_support.error_as(r, c.stmt) AS err
FROM unnest(ARRAY['anon', 'authenticated']) AS r
CROSS JOIN analytics_tables CROSS JOIN LATERAL test_support.crud_statements(('analytics.' || quote_ident(t))::regclass) AS c;
SELECT is(count(*) FILTER (WHERE err ->> 'sqlstate' = '42501'), (SELECT 4 * count(*) FROM analytics_tables),
          r || ': select/insert/update/delete on every analytics table fail with 42501')
FROM attempts GROUP BY r ORDER BY r;

-- The same through RLS alone: a role that somehow got SELECT still sees no rows.
SELECT test_support.as_anon();
SELECT ok(ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_rls')))::jsonb ->> 'success' = 'true',
  'setup: anon stores an event through the function');
RESET ROLE;
GRANT USAGE ON SCHEMA analytics TO anon;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO anon;
SELECT test_support.as_anon();
SELECT is((SELECT count(*) FROM analytics.page_views), 0::bigint, 'even with a stray grant, RLS shows anon no raw rows');
SELECT is((SELECT count(*) FROM analytics.sessions), 0::bigint, 'even with a stray grant, RLS shows anon no sessions');
RESET ROLE;
REVOKE ALL ON ALL TABLES IN SCHEMA analytics FROM anon;
REVOKE USAGE ON SCHEMA analytics FROM anon;

-- Functions: who may execute what.
SELECT ok(has_function_privilege('anon', 'public.ingest_analytics_batch(jsonb)', 'EXECUTE'), 'anon may call ingest_analytics_batch');
SELECT ok(has_function_privilege('authenticated', 'public.ingest_analytics_batch(jsonb)', 'EXECUTE'), 'authenticated may call ingest_analytics_batch');
SELECT ok(NOT has_function_privilege('anon', 'public.get_analytics_dashboard(text, jsonb)', 'EXECUTE'), 'anon may not call get_analytics_dashboard');
SELECT ok(has_function_privilege('authenticated', 'public.get_analytics_dashboard(text, jsonb)', 'EXECUTE'), 'authenticated may call get_analytics_dashboard');
SELECT is(
  (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
   WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'
     AND (p.pronamespace = 'analytics'::regnamespace
          OR p.oid IN ('public.ingest_analytics_batch(jsonb)'::regprocedure,
                       'public.get_analytics_dashboard(text, jsonb)'::regprocedure))),
  NULL, 'PUBLIC may execute none of our functions (every function in schema analytics, and the two endpoints)');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p
           WHERE p.pronamespace = 'analytics'::regnamespace
             AND (has_function_privilege('anon', p.oid, 'EXECUTE') OR has_function_privilege('authenticated', p.oid, 'EXECUTE'))),
  NULL, 'anon and authenticated may call none of the internal helpers in schema analytics');
SELECT is(array_agg(DISTINCT acl.grantee::regrole::text ORDER BY acl.grantee::regrole::text),
          ARRAY['anon', 'authenticated', 'postgres'], 'ingest_analytics_batch: EXECUTE only for anon, authenticated (and its owner)')
FROM pg_proc p, aclexplode(p.proacl) acl WHERE p.oid = 'public.ingest_analytics_batch(jsonb)'::regprocedure;

-- SECURITY DEFINER functions pin search_path to ''.
SELECT ok(p.prosecdef, p.oid::regprocedure || ' is SECURITY DEFINER')
FROM pg_proc p WHERE p.oid IN ('public.ingest_analytics_batch(jsonb)'::regprocedure, 'public.get_analytics_dashboard(text, jsonb)'::regprocedure);
SELECT ok(p.proconfig @> ARRAY['search_path=""'], p.oid::regprocedure || ' has search_path fixed to empty')
FROM pg_proc p WHERE p.oid IN ('public.ingest_analytics_batch(jsonb)'::regprocedure, 'public.get_analytics_dashboard(text, jsonb)'::regprocedure);
SELECT is(array_agg(p.oid::regprocedure::text), NULL, 'every SECURITY DEFINER function of ours sets search_path')
FROM pg_proc p WHERE p.pronamespace IN ('public'::regnamespace, 'analytics'::regnamespace) AND p.prosecdef
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=""'], false);

-- A caller's search_path cannot redirect the function: shadow objects are ignored.
CREATE TEMP TABLE page_views (x int);
SET LOCAL search_path = pg_temp, public;
SELECT test_support.as_anon();
SELECT is(ingest_analytics_batch(jsonb_build_array(test_support.ev('page_view', 's_shadow')))::jsonb ->> 'page_views_inserted', '1',
  'a shadowing temp table on the caller''s search_path does not divert the insert');
RESET ROLE;
SET LOCAL search_path = public;
SELECT is((SELECT count(*) FROM analytics.page_views WHERE session_id = 's_shadow'), 1::bigint, 'the row went to analytics.page_views');

-- user_code_ownership: anon reads nothing; a user reads only their own rows.
INSERT INTO public.user_code_ownership (user_id, user_code) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'code_a'), ('00000000-0000-0000-0000-0000000000b2', 'code_b');
SELECT test_support.as_anon();
SELECT is((test_support.error_of('SELECT * FROM public.user_code_ownership')) ->> 'sqlstate', '42501', 'anon cannot read user_code_ownership');
RESET ROLE;
SELECT test_support.as_user('00000000-0000-0000-0000-0000000000a1');
SELECT results_eq('SELECT user_code FROM public.user_code_ownership', $$VALUES ('code_a')$$, 'a user sees only their own codes');
SELECT is((test_support.error_of($$INSERT INTO public.user_code_ownership (user_id, user_code) VALUES (auth.uid(), 'code_b')$$)) ->> 'sqlstate',
  '42501', 'a user cannot claim a code');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
