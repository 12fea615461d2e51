-- A database from before the single rollup table (one table per kind: daily_sessions,
-- daily_page_views, daily_click_categories, daily_click_targets) keeps every count when
-- the migrations are re-applied: the rows move into analytics.daily_rollups (added to
-- rows already there), the old tables are dropped, and a second re-apply changes nothing.
BEGIN;
SELECT plan(6);
SET LOCAL client_min_messages = warning;

-- The tables an older 0001 created, with some rows.
CREATE TABLE analytics.daily_sessions (user_code text NOT NULL, day date NOT NULL, share_code text NOT NULL,
  contact_id text NOT NULL, shard smallint NOT NULL, sessions bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_code, day, share_code, contact_id, shard));
CREATE TABLE analytics.daily_page_views (user_code text NOT NULL, day date NOT NULL, share_code text NOT NULL,
  contact_id text NOT NULL, page_type text NOT NULL, shard smallint NOT NULL, views bigint NOT NULL DEFAULT 0,
  unique_sessions bigint NOT NULL DEFAULT 0, PRIMARY KEY (user_code, day, share_code, contact_id, page_type, shard));
CREATE TABLE analytics.daily_click_categories (user_code text NOT NULL, day date NOT NULL, share_code text NOT NULL,
  contact_id text NOT NULL, click_category text NOT NULL, shard smallint NOT NULL, clicks bigint NOT NULL DEFAULT 0,
  unique_sessions bigint NOT NULL DEFAULT 0, PRIMARY KEY (user_code, day, share_code, contact_id, click_category, shard));
CREATE TABLE analytics.daily_click_targets (user_code text NOT NULL, day date NOT NULL, share_code text NOT NULL,
  contact_id text NOT NULL, click_target text NOT NULL, click_category text NOT NULL, shard smallint NOT NULL,
  clicks bigint NOT NULL DEFAULT 0, unique_sessions bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_code, day, share_code, contact_id, click_target, click_category, shard));
INSERT INTO analytics.daily_sessions VALUES ('old_card', '2026-11-01', 'public', '', 0, 4), ('old_card', '2026-11-01', 'public', '', 1, 3);
INSERT INTO analytics.daily_page_views VALUES ('old_card', '2026-11-01', 'public', '', 'home', 0, 10, 4);
INSERT INTO analytics.daily_click_categories VALUES ('old_card', '2026-11-01', 'public', 'c1', 'contact', 0, 6, 2);
INSERT INTO analytics.daily_click_targets VALUES ('old_card', '2026-11-01', 'public', 'c1', 'contact.phone', 'contact', 0, 6, 2);
-- a row the new table already holds for the same bucket (written after a partial upgrade)
INSERT INTO analytics.daily_rollups VALUES ('old_card', 'p', '2026-11-01', 'public', '', 'home', '', 0, 1, 1);

\ir ../../sql/migrations/0001_analytics_schema.sql
CREATE TEMP TABLE after_first AS
  SELECT kind, day, share_code, contact_id, item, category, sum(events) AS events, sum(unique_sessions) AS uniq
  FROM analytics.daily_rollups WHERE user_code = 'old_card' GROUP BY 1, 2, 3, 4, 5, 6;

SELECT is((SELECT jsonb_agg(jsonb_build_array(kind, day, share_code, contact_id, item, category, events, uniq)
                     ORDER BY kind, item) FROM after_first),
          '[["c", "2026-11-01", "public", "c1", "contact", "", 6, 2],
            ["p", "2026-11-01", "public", "", "home", "", 11, 5],
            ["s", "2026-11-01", "public", "", "", "", 0, 7],
            ["t", "2026-11-01", "public", "c1", "contact.phone", "contact", 6, 2]]'::jsonb,
          'every old count is in daily_rollups, added to what was there');
SELECT is((SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'analytics' AND c.relname IN ('daily_sessions', 'daily_page_views',
                                                           'daily_click_categories', 'daily_click_targets')),
          0::bigint, 'the old rollup tables are dropped');

\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT results_eq(
  $$SELECT kind, day, share_code, contact_id, item, category, sum(events) AS events, sum(unique_sessions) AS uniq
    FROM analytics.daily_rollups WHERE user_code = 'old_card' GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 5$$,
  $$SELECT * FROM after_first ORDER BY 1, 5$$,
  'a second re-apply changes nothing');

-- The dashboard reads the moved rows like any other.
INSERT INTO public.user_code_ownership (user_id, user_code) VALUES ('00000000-0000-0000-0000-0000000000aa', 'old_card');
SELECT test_support.as_user('00000000-0000-0000-0000-0000000000aa');
CREATE TEMP TABLE dash AS SELECT public.get_analytics_dashboard('old_card', '{"from": "2026-11-01", "to": "2026-11-01"}') AS d;
RESET ROLE;
SELECT is((SELECT d -> 'totals' FROM dash), '{"sessions": 7, "pageViews": 11, "clicks": 6}'::jsonb,
  'the dashboard totals count the moved rows');
SELECT is((SELECT d -> 'topClickTargets' FROM dash),
  '[{"target": "contact.phone", "category": "contact", "clicks": 6, "uniqueSessions": 2}]'::jsonb,
  'a moved click target keeps its category');
SELECT is((SELECT d -> 'contacts' FROM dash),
  '[{"contactId": "c1", "sessions": 0, "pageViews": 0, "clicks": 6}]'::jsonb,
  'a moved contact keeps its clicks');

SELECT * FROM finish();
ROLLBACK;
