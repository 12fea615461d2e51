-- A database that applied the short-lived per-session-day marks (one
-- analytics.session_day_marks row per session, day, card, share code and contact with an
-- array of items, undone because a growing array is rewritten by every call that adds
-- to it) keeps every mark when the migrations are re-applied: the items unfold into one
-- analytics.session_bucket_marks row each, that table is dropped, and the session's next
-- batch counts it again only for the buckets still new to it.
BEGIN;
SELECT plan(5);
SET LOCAL client_min_messages = warning;

CREATE TABLE analytics.session_day_marks (
  session_id text COLLATE "C" NOT NULL, day date NOT NULL, user_code text COLLATE "C" NOT NULL,
  share_code text COLLATE "C" NOT NULL, contact_id text COLLATE "C" NOT NULL, items text[] COLLATE "C" NOT NULL,
  added text[] COLLATE "C", PRIMARY KEY (session_id, day, user_code, share_code, contact_id));
INSERT INTO analytics.session_day_marks VALUES
  ('s_day', (now() AT TIME ZONE 'UTC')::date, 'card_unfolded', 'public', '',
   ARRAY['ccontact', 'phome', 's', 'tcontact.phone'], NULL);

\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT is((SELECT jsonb_agg(jsonb_build_array(kind, item) ORDER BY kind, item) FROM analytics.session_bucket_marks
           WHERE session_id = 's_day' AND user_code = 'card_unfolded' AND day = (now() AT TIME ZONE 'UTC')::date),
          '[["c", "contact"], ["p", "home"], ["s", ""], ["t", "contact.phone"]]'::jsonb,
          'the four items are four marks');
SELECT is(pg_catalog.to_regclass('analytics.session_day_marks'), NULL, 'the per-session-day table is dropped');

\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT is((SELECT count(*) FROM analytics.session_bucket_marks WHERE session_id = 's_day'), 4::bigint,
  'a second re-apply changes nothing');

-- The session's next batch: home again (already marked) and a new page type.
SELECT test_support.as_anon();
SELECT ingest_analytics_batch(jsonb_build_array(
  test_support.ev('page_view', 's_day', '{"userCode": "card_unfolded"}'),
  test_support.ev('page_view', 's_day', '{"userCode": "card_unfolded", "pageType": "portfolio"}')));
RESET ROLE;
SELECT is((SELECT jsonb_object_agg(item, u) FROM (
             SELECT item, sum(unique_sessions) AS u FROM analytics.daily_rollups
             WHERE user_code = 'card_unfolded' AND kind IN ('p', 's') AND day = (now() AT TIME ZONE 'UTC')::date
             GROUP BY item) x),
          '{"home": 0, "portfolio": 1}'::jsonb,
          'its next batch counts the session once more only for the page type it had not viewed');
SELECT is((SELECT count(*) FROM analytics.session_bucket_marks WHERE session_id = 's_day'), 5::bigint,
  'and marks that page type');

SELECT * FROM finish();
ROLLBACK;
