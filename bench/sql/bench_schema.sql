-- Benchmark scaffolding (bench/sql/run.sh): pre-generated batches so every call sends
-- fresh events (ours would otherwise dedupe them), a sequence that hands each call the
-- next batch, and a plain table for the COPY baseline.
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.batches (id bigint PRIMARY KEY, events jsonb NOT NULL);
CREATE SEQUENCE bench.batch_seq;
CREATE TABLE bench.copy_target (
  event_id uuid, kind text, session_id text, user_code text, share_code text, contact_id text,
  page_type text, click_target text, click_category text, occurred_at timestamptz
);
GRANT USAGE ON SCHEMA bench TO anon, authenticated;
GRANT SELECT ON bench.batches TO anon;
GRANT USAGE ON SEQUENCE bench.batch_seq TO anon;

-- A UUID v7 for a millisecond timestamp, as the client makes them (time-ordered, so the
-- dedupe index grows at its right edge like it does in production).
CREATE FUNCTION bench.uuid_v7(ts_ms bigint) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex(ts_ms), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8'
          || substr(md5(random()::text), 1, 15))::uuid
$$;

-- One event in the client's wire format.
CREATE FUNCTION bench.event(kind text, session_id text, user_code text, share_code text, contact_id text, ts_ms bigint, n int)
RETURNS jsonb LANGUAGE sql VOLATILE AS $$
  SELECT jsonb_build_object('type', kind, 'timestamp', ts_ms, 'data',
    jsonb_strip_nulls(jsonb_build_object('eventId', bench.uuid_v7(ts_ms), 'sessionId', session_id, 'userCode', user_code,
      'shareCode', share_code, 'contactId', contact_id, 'timestamp', ts_ms,
      'pageType', CASE WHEN kind = 'page_view' THEN (ARRAY['home', 'contact', 'profile', 'portfolio'])[1 + n % 4] END,
      'clickTarget', CASE WHEN kind = 'click' THEN (ARRAY['contact.phone', 'contact.email', 'socialMessaging.whatsapp',
                       'socialChannels.linkedin', 'portfolio.item1', 'aiAgent'])[1 + n % 6] END,
      'clickCategory', CASE WHEN kind = 'click' THEN (ARRAY['contact', 'contact', 'messaging', 'social', 'portfolio', 'aiAgent'])[1 + n % 6] END,
      'userAgent', CASE WHEN kind = 'session' THEN 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36' END,
      'referrer', CASE WHEN kind = 'session' THEN 'https://www.linkedin.com/' END)))
$$;

-- count batches of `size` events, ids first_id.. . shape 'browser': one new session per
-- batch on one of 1000 cards (session event first, then 2/3 page views, 1/3 clicks), its
-- id shaped like the client's (session_<start ms>_<9 random chars>: ids of later sessions
-- sort later, so indexes keyed by session id grow near their right edge, as in production);
-- shape 'hot': every event on card "hot", spread over 4 hot sessions.
CREATE FUNCTION bench.make_batches(shape text, size int, count int, first_id bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO bench.batches (id, events)
  SELECT first_id + b, (
    SELECT jsonb_agg(bench.event(
             CASE WHEN shape = 'browser' AND i = 0 THEN 'session' WHEN i % 3 = 2 THEN 'click' ELSE 'page_view' END,
             CASE WHEN shape = 'hot' THEN 'hot_s' || ((i * 7 + b) % 4) ELSE s.sid END,
             CASE WHEN shape = 'hot' THEN 'hot' ELSE s.card END,
             s.share, s.contact,
             s.t0 + i * 1000, i + b) ORDER BY i)
    FROM generate_series(0, size - 1) AS i)
  FROM generate_series(0, count - 1) AS b,
       LATERAL (SELECT (extract(epoch FROM now()) * 1000)::bigint - 3600000 AS t0) AS t,
       LATERAL (SELECT t.t0, 'session_' || (t.t0 + b) || '_' || substr(md5(random()::text), 1, 9) AS sid,
                       'card_' || (b * 7919 % 1000) AS card,
                       (ARRAY['public', 'vip', 'qr'])[1 + b % 3] AS share,
                       (ARRAY[NULL, 'c1', 'c2', 'c3', 'c4'])[1 + b % 5] AS contact) AS s
$$;

-- The rows COPY gets: exactly the events of the given batches, flattened.
CREATE FUNCTION bench.flat_rows(from_id bigint, to_id bigint) RETURNS SETOF bench.copy_target
LANGUAGE sql AS $$
  SELECT (e -> 'data' ->> 'eventId')::uuid, e ->> 'type', e -> 'data' ->> 'sessionId', e -> 'data' ->> 'userCode',
         e -> 'data' ->> 'shareCode', e -> 'data' ->> 'contactId', e -> 'data' ->> 'pageType',
         e -> 'data' ->> 'clickTarget', e -> 'data' ->> 'clickCategory',
         to_timestamp((e -> 'data' ->> 'timestamp')::numeric / 1000)
  FROM bench.batches b, jsonb_array_elements(b.events) e WHERE b.id BETWEEN from_id AND to_id ORDER BY b.id
$$;
