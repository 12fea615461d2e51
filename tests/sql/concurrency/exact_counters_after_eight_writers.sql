-- After eight_writers_one_session.sh: every batch of 15 page views + 5 clicks was
-- stored exactly once and counted exactly once, in sessions and rollups.
BEGIN;
SELECT plan(7);
CREATE TEMP TABLE expected AS SELECT current_setting('clik.expected_batches')::bigint AS batches;

SELECT is((SELECT count(*) FROM analytics.page_views WHERE user_code = 'hot'), (SELECT batches * 15 FROM expected),
  'every page view of every batch is stored');
SELECT is((SELECT count(*) FROM analytics.clicks WHERE user_code = 'hot'), (SELECT batches * 5 FROM expected),
  'every click of every batch is stored');
SELECT is((SELECT sum(page_views) FROM analytics.sessions WHERE user_code = 'hot'), (SELECT batches * 15 FROM expected)::numeric,
  'the hot sessions'' page_views counters lost no update');
SELECT is((SELECT sum(clicks) FROM analytics.sessions WHERE user_code = 'hot'), (SELECT batches * 5 FROM expected)::numeric,
  'the hot sessions'' clicks counters lost no update');
SELECT is((SELECT count(*) FROM analytics.sessions s WHERE user_code = 'hot'
             AND s.page_views <> (SELECT count(*) FROM analytics.page_views p WHERE p.session_id = s.session_id)), 0::bigint,
  'each hot session''s counter equals its raw rows');
SELECT is((SELECT sum(events) FROM analytics.daily_rollups WHERE kind = 'p' AND user_code = 'hot'), (SELECT batches * 15 FROM expected)::numeric,
  'the hot card''s page-view rollup lost no update');
SELECT is((SELECT sum(events) FROM analytics.daily_rollups WHERE kind = 't' AND user_code = 'hot'), (SELECT batches * 5 FROM expected)::numeric,
  'the hot card''s click rollup lost no update');

SELECT * FROM finish();
ROLLBACK;
