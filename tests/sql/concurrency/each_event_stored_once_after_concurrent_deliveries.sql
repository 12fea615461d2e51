-- After same_batches_delivered_by_eight_clients.sh: every batch (1 session event, 13 page
-- views, 6 clicks) was delivered by every client; each event is stored and counted once,
-- and the deliveries' results say so: one delivery stored each event, the others
-- reported it as a duplicate.
BEGIN;
SELECT plan(9);
CREATE TEMP TABLE expected AS SELECT current_setting('clik.batches')::bigint AS batches,
                                     current_setting('clik.deliveries')::bigint AS deliveries;

SELECT is((SELECT count(*) FROM test_support.redelivery_results), (SELECT batches * deliveries FROM expected),
  'every delivery was answered');
SELECT is((SELECT count(*) FROM test_support.redelivery_results WHERE (result ->> 'success')::boolean
             AND result -> 'rejected' = '[]'::jsonb), (SELECT batches * deliveries FROM expected),
  'every delivery succeeded with nothing rejected');
SELECT is((SELECT count(*) FROM analytics.page_views WHERE user_code = 'redeliver'), (SELECT batches * 13 FROM expected),
  'each page view is stored once');
SELECT is((SELECT count(*) FROM analytics.clicks WHERE user_code = 'redeliver')
          + (SELECT count(*) FROM analytics.session_events WHERE user_code = 'redeliver'), (SELECT batches * 7 FROM expected),
  'each click and session event is stored once');
SELECT is((SELECT array[sum((result ->> 'sessions_inserted')::int), sum((result ->> 'page_views_inserted')::int),
                        sum((result ->> 'clicks_inserted')::int)]::bigint[]
           FROM test_support.redelivery_results),
          (SELECT array[batches, batches * 13, batches * 6] FROM expected),
  'the deliveries together inserted each event once');
SELECT is((SELECT sum((result ->> 'duplicates')::int) FROM test_support.redelivery_results)::bigint,
          (SELECT batches * 20 * (deliveries - 1) FROM expected),
  'and reported every other delivery of it as a duplicate');
SELECT is((SELECT array[count(*), sum(page_views), sum(clicks)]::bigint[] FROM analytics.sessions WHERE user_code = 'redeliver'),
          (SELECT array[batches, batches * 13, batches * 6] FROM expected),
  'each session counts each of its events once');
SELECT is((SELECT array[sum(events) FILTER (WHERE kind = 'p'), sum(events) FILTER (WHERE kind = 't')]
           FROM analytics.daily_rollups WHERE user_code = 'redeliver'),
          (SELECT array[batches * 13, batches * 6]::numeric[] FROM expected),
  'the rollups count each page view and click once');
SELECT is((SELECT sum(unique_sessions) FROM analytics.daily_rollups WHERE user_code = 'redeliver' AND kind = 's'),
          (SELECT batches FROM expected)::numeric,
  'and each session once as a unique session');

SELECT * FROM finish();
ROLLBACK;
