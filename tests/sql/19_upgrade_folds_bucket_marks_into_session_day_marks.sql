-- A database from before the per-session-day marks (one analytics.session_bucket_marks
-- row per session, kind, day, card, share code, contact and item) keeps every mark when
-- the migrations are re-applied: the rows fold into one analytics.session_day_marks row per
-- session-day, the old table is dropped, and the sessions they mark are not counted
-- again as unique by their next batch, which counts only the buckets still new to them.
BEGIN;
SELECT plan(5);
SET LOCAL client_min_messages = warning;

-- The table the version before created, with the marks of one session that viewed the
-- home page and clicked contact.phone today.
CREATE TABLE analytics.session_bucket_marks (
  session_id text COLLATE "C" NOT NULL, kind "char" NOT NULL, day date NOT NULL, user_code text COLLATE "C" NOT NULL,
  share_code text COLLATE "C" NOT NULL, contact_id text COLLATE "C" NOT NULL, item text COLLATE "C" NOT NULL,
  PRIMARY KEY (session_id, kind, day, user_code, share_code, contact_id, item));
INSERT INTO analytics.session_bucket_marks VALUES
  ('s_old', 's', (now() AT TIME ZONE 'UTC')::date, 'card_upgraded', 'public', '', ''),
  ('s_old', 'p', (now() AT TIME ZONE 'UTC')::date, 'card_upgraded', 'public', '', 'home'),
  ('s_old', 'c', (now() AT TIME ZONE 'UTC')::date, 'card_upgraded', 'public', '', 'contact'),
  ('s_old', 't', (now() AT TIME ZONE 'UTC')::date, 'card_upgraded', 'public', '', 'contact.phone');

\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT is((SELECT jsonb_agg(jsonb_build_array(day = (now() AT TIME ZONE 'UTC')::date, user_code, share_code, contact_id, items))
           FROM analytics.session_day_marks WHERE session_id = 's_old'),
          '[[true, "card_upgraded", "public", "", ["ccontact", "phome", "s", "tcontact.phone"]]]'::jsonb,
          'the four marks are one session-day row holding the four items');
SELECT is(pg_catalog.to_regclass('analytics.session_bucket_marks'), NULL, 'the old marks table is dropped');

\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT is((SELECT count(*) FROM analytics.session_day_marks WHERE session_id = 's_old'), 1::bigint,
  'a second re-apply changes nothing');

-- The session's next batch: home again (already marked) and a new page type.
SELECT test_support.as_anon();
SELECT ingest_analytics_batch(jsonb_build_array(
  test_support.ev('page_view', 's_old', '{"userCode": "card_upgraded"}'),
  test_support.ev('page_view', 's_old', '{"userCode": "card_upgraded", "pageType": "portfolio"}')));
RESET ROLE;
SELECT is((SELECT jsonb_object_agg(item, u) FROM (
             SELECT item, sum(unique_sessions) AS u FROM analytics.daily_rollups
             WHERE user_code = 'card_upgraded' AND kind IN ('p', 's') AND day = (now() AT TIME ZONE 'UTC')::date GROUP BY item) x),
          '{"home": 0, "portfolio": 1}'::jsonb,
          'its next batch counts the session once more only for the page type it had not viewed (not again as a session, nor for home)');
SELECT is((SELECT items FROM analytics.session_day_marks WHERE session_id = 's_old'),
          ARRAY['ccontact', 'phome', 'pportfolio', 's', 'tcontact.phone']::text[],
          'and adds that page type to its marks');

SELECT * FROM finish();
ROLLBACK;
