-- The seed-compatible views public.analytics_sessions / analytics_page_views /
-- analytics_clicks (sql/migrations/0005) open nothing to the API roles: no privilege for
-- anon/authenticated (PostgREST exposes public), security_invoker so that even a stray
-- grant on a view meets the tables' own privileges and RLS; service_role may only read.
BEGIN;
SELECT plan(13);

CREATE TEMP TABLE seed_views AS
  SELECT unnest(ARRAY['analytics_sessions', 'analytics_page_views', 'analytics_clicks']) AS v;

SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v' AND c.relname IN (SELECT v FROM seed_views)),
          ARRAY['analytics_clicks', 'analytics_page_views', 'analytics_sessions'], 'the three seed views exist in public');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relname IN (SELECT v FROM seed_views)
             AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)),
          NULL, 'every seed view is security_invoker');
SELECT is((SELECT array_agg(v || ':' || p ORDER BY v, p) FROM seed_views
           CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
           WHERE has_table_privilege(r, 'public.' || v, p)),
          NULL, r || ' holds no privilege on any seed view')
FROM unnest(ARRAY['anon', 'authenticated']) AS r;
SELECT is((SELECT array_agg(v || ':' || p ORDER BY v, p) FROM seed_views
           CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p
           WHERE has_table_privilege('service_role', 'public.' || v, p)),
          NULL, 'service_role cannot write through any seed view');

-- Data to protect.
SELECT test_support.as_anon();
SELECT ok(ingest_analytics_batch(jsonb_build_array(test_support.ev('session', 's_view'), test_support.ev('page_view', 's_view'),
          test_support.ev('click', 's_view')))::jsonb ->> 'success' = 'true', 'setup: anon stores a session, a page view, a click');
RESET ROLE;

-- Trying it: every verb on every view, as anon and as a signed-in user.
CREATE TEMP TABLE attempts AS
SELECT r, v, c.verb, test_support.error_as(r, c.stmt) AS err
FROM unnest(ARRAY['anon', 'authenticated']) AS r
CROSS JOIN seed_views CROSS JOIN LATERAL test_support.crud_statements(('public.' || v)::regclass) AS c;
SELECT is(count(*) FILTER (WHERE err ->> 'sqlstate' = '42501'), 12::bigint,
          r || ': select/insert/update/delete on every seed view fail with 42501')
FROM attempts GROUP BY r ORDER BY r;

-- A stray grant on the views alone: the caller's own lack of privilege on the tables
-- still applies (security_invoker).
GRANT ALL ON public.analytics_sessions, public.analytics_page_views, public.analytics_clicks TO anon;
SELECT test_support.as_anon();
SELECT is(test_support.error_of('SELECT count(*) FROM public.analytics_page_views') ->> 'sqlstate', '42501',
  'with a stray grant on the view, anon still cannot read the table behind it');
-- ... and on the tables too: RLS (no policy) still shows anon no row and takes no write.
RESET ROLE;
GRANT USAGE ON SCHEMA analytics TO anon;
GRANT ALL ON analytics.sessions, analytics.page_views, analytics.clicks TO anon;
SELECT test_support.as_anon();
SELECT is((SELECT count(*) FROM public.analytics_sessions) + (SELECT count(*) FROM public.analytics_page_views)
          + (SELECT count(*) FROM public.analytics_clicks), 0::bigint,
  'with stray grants on views and tables, RLS shows anon no rows');
SELECT is(test_support.error_of($$INSERT INTO public.analytics_page_views (event_id, session_id, user_code, page_type, viewed_at)
                                  VALUES (gen_random_uuid(), 'forged', 'card1', 'home', now())$$) ->> 'sqlstate', '42501',
  'with stray grants, RLS refuses a forged row written through the view');
RESET ROLE;
REVOKE ALL ON public.analytics_sessions, public.analytics_page_views, public.analytics_clicks FROM anon;
REVOKE ALL ON analytics.sessions, analytics.page_views, analytics.clicks FROM anon;
REVOKE USAGE ON SCHEMA analytics FROM anon;

-- service_role (the admin key) reads through them, as it may read the tables.
SELECT set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
SELECT results_eq(
  $$SELECT (SELECT page_views FROM public.analytics_sessions WHERE session_id = 's_view'),
           (SELECT count(*) FROM public.analytics_page_views WHERE session_id = 's_view'),
           (SELECT count(*) FROM public.analytics_clicks WHERE session_id = 's_view')$$,
  $$VALUES (1::bigint, 1::bigint, 1::bigint)$$, 'service_role reads the session, page view and click');
SELECT is(test_support.error_of($$DELETE FROM public.analytics_clicks$$) ->> 'sqlstate', '42501',
  'service_role cannot delete through a view');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
