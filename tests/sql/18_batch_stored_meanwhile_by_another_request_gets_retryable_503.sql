-- The ingest stores a fresh batch with plain inserts and, when one meets a stored event,
-- skips the stored ones and tries again. A caller whose snapshot cannot see events that
-- another request stored meanwhile (a repeatable-read transaction racing another
-- delivery of the same batch) would retry for ever: it gets a retryable HTTP 503 with
-- Retry-After instead, stores nothing, and its retry finds every event stored.
-- The other request commits: its rows (card_raced) stay after this file's rollback.
BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SELECT plan(5);   -- the transaction's snapshot is taken here

CREATE EXTENSION IF NOT EXISTS dblink;
CREATE TEMP TABLE batch AS SELECT jsonb_build_array(
  test_support.ev('session', 's_raced', jsonb_build_object('eventId', gen_random_uuid(), 'userCode', 'card_raced')),
  test_support.ev('page_view', 's_raced', jsonb_build_object('eventId', gen_random_uuid(), 'userCode', 'card_raced')),
  test_support.ev('click', 's_raced', jsonb_build_object('eventId', gen_random_uuid(), 'userCode', 'card_raced'))) AS events;
CREATE TEMP TABLE other AS
  SELECT format('host=127.0.0.1 port=%s dbname=%s user=postgres', current_setting('port'), current_database()) AS conn;
-- another request stores the batch and commits, after this transaction's snapshot
CREATE TEMP TABLE first_delivery AS
  SELECT r::jsonb AS result FROM dblink((SELECT conn FROM other),
    format('SELECT public.ingest_analytics_batch(%L::jsonb)::text', (SELECT events FROM batch))) AS t(r text);
SELECT is((SELECT result ->> 'sessions_inserted' FROM first_delivery), '1', 'the other request stored the batch');

GRANT SELECT ON batch TO anon;
SELECT test_support.as_anon();
CREATE TEMP TABLE outcome AS
  SELECT test_support.error_of('SELECT ingest_analytics_batch(events) FROM batch') AS err;
RESET ROLE;
SELECT is((SELECT err ->> 'sqlstate' FROM outcome), 'PGRST', 'this delivery raises PGRST');
SELECT is((SELECT (err ->> 'detail')::jsonb FROM outcome),
  '{"status": 503, "headers": {"Retry-After": "1"}}'::jsonb,
  'PostgREST is asked for HTTP 503 with Retry-After: 1 (retryable)');
SELECT is((SELECT (err ->> 'message')::jsonb ->> 'code' FROM outcome), 'concurrent_delivery', 'the body says concurrent_delivery');
SELECT is((SELECT r::jsonb - 'rejected' FROM dblink((SELECT conn FROM other),
             format('SELECT public.ingest_analytics_batch(%L::jsonb)::text', (SELECT events FROM batch))) AS t(r text)),
  '{"success": true, "processed": 3, "sessions_inserted": 0, "page_views_inserted": 0, "clicks_inserted": 0, "duplicates": 3}'::jsonb,
  'the retry, in a new transaction, finds all three events stored');

SELECT * FROM finish();
ROLLBACK;
