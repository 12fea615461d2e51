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
-- batch on one of 1000 cards (session event first, then 2/3 page views, 1/3 clicks);
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
             (extract(epoch FROM now()) * 1000)::bigint - 3600000 + i * 1000, i + b) ORDER BY i)
    FROM generate_series(0, size - 1) AS i)
  FROM generate_series(0, count - 1) AS b,
       LATERAL (SELECT 'bench_' || gen_random_uuid() AS sid, 'card_' || (b * 7919 % 1000) AS card,
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

-- Bulk load for the dashboard benchmark, straight into the raw tables (one set-based
-- INSERT per table, no per-event function call): sessions first..first+count-1, 20
-- events each (1 session event, 13 page views, 6 clicks, 20 s apart), over the last
-- `days` days; 10% of sessions on "card_hot", the rest on 1000 cards; 3 share codes;
-- 40% of sessions for one of 20 contacts. Time-ordered event ids (UUID v7 layout).
-- The rollups get the same rows the ingest would have added.
CREATE FUNCTION bench.load_raw(first bigint, count bigint, days int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS load_events (
    kind text, event_id uuid, session_id text, user_code text, share_code text, contact_id text,
    ts timestamptz, page_type text, click_target text, click_category text, shard smallint);
  TRUNCATE load_events;
  INSERT INTO load_events
  SELECT CASE WHEN i = 0 THEN 'session' WHEN i % 3 = 2 THEN 'click' ELSE 'page_view' END,
         (substr(h, 1, 8) || '-' || substr(h, 9, 4) || substr(gen_random_uuid()::text, 14))::uuid,
         s.sid, s.card, s.share, s.contact, to_timestamp(t_ms / 1000.0),
         (ARRAY['home', 'contact', 'profile', 'portfolio'])[1 + (i + s.n) % 4],
         (ARRAY['contact.phone', 'contact.email', 'socialMessaging.whatsapp', 'socialChannels.linkedin',
                'portfolio.item1', 'aiAgent'])[1 + (i + s.n) % 6],
         (ARRAY['contact', 'contact', 'messaging', 'social', 'portfolio', 'aiAgent'])[1 + (i + s.n) % 6],
         s.shard
  FROM (SELECT g AS n, 'load_' || g AS sid,
               CASE WHEN random() < 0.1 THEN 'card_hot' ELSE 'card_' || floor(random() * 1000)::int END AS card,
               (ARRAY['public', 'vip', 'qr'])[1 + floor(random() * 3)::int] AS share,
               CASE WHEN random() < 0.4 THEN 'c' || (1 + floor(random() * 20)::int) END AS contact,
               floor(random() * 16)::smallint AS shard,
               (extract(epoch FROM now()) * 1000)::bigint - 3600000 - (random() * days * 86400000)::bigint AS t0
        FROM generate_series(first, first + count - 1) AS g) AS s,
       generate_series(0, 19) AS i,
       LATERAL (SELECT s.t0 + i * 20000 AS t_ms) AS t,
       LATERAL (SELECT lpad(to_hex(t.t_ms), 12, '0') AS h) AS hx;

  INSERT INTO analytics.session_events (event_id, session_id, user_code, share_code, contact_id, started_at, user_agent, referrer)
  SELECT event_id, session_id, user_code, share_code, contact_id, ts,
         'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36', 'https://www.linkedin.com/'
  FROM load_events WHERE kind = 'session' ORDER BY event_id;
  INSERT INTO analytics.page_views (event_id, session_id, user_code, share_code, contact_id, page_type, viewed_at)
  SELECT event_id, session_id, user_code, share_code, contact_id, page_type, ts
  FROM load_events WHERE kind = 'page_view' ORDER BY event_id;
  INSERT INTO analytics.clicks (event_id, session_id, user_code, share_code, contact_id, click_target, click_category, clicked_at)
  SELECT event_id, session_id, user_code, share_code, contact_id, click_target, click_category, ts
  FROM load_events WHERE kind = 'click' ORDER BY event_id;
  INSERT INTO analytics.sessions (session_id, user_code, share_code, contact_id, first_seen, last_seen, page_views, clicks)
  SELECT session_id, min(user_code), min(share_code), min(contact_id), min(ts), max(ts),
         count(*) FILTER (WHERE kind = 'page_view'), count(*) FILTER (WHERE kind = 'click')
  FROM load_events GROUP BY session_id;
  -- Rollups of the new sessions (none of them existed before, so unique sessions add up),
  -- each session on one random shard as if ingested by one backend. Two hash
  -- aggregations (per session and bucket, then per bucket) instead of count(DISTINCT).
  CREATE TEMP TABLE IF NOT EXISTS load_buckets (
    kind text, user_code text, day date, share_code text, contact_id text, item text, category text,
    shard smallint, n bigint, sessions bigint);
  TRUNCATE load_buckets;
  INSERT INTO load_buckets
  SELECT kind, user_code, day, share_code, contact_id, item, category, shard, sum(n), count(*)
  FROM (SELECT e.user_code, (e.ts AT TIME ZONE 'UTC')::date AS day, coalesce(e.share_code, '') AS share_code,
               coalesce(e.contact_id, '') AS contact_id, e.shard, e.session_id, k.kind, k.item, k.category, count(*) AS n
        FROM load_events AS e,
             LATERAL (VALUES ('s', '', ''), ('p', e.page_type, ''), ('c', e.click_category, ''),
                             ('t', e.click_target, e.click_category)) AS k(kind, item, category)
        WHERE k.kind = 's' OR (k.kind = 'p' AND e.kind = 'page_view') OR (k.kind IN ('c', 't') AND e.kind = 'click')
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) AS per_session
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

  INSERT INTO analytics.daily_rollups AS r (user_code, kind, day, share_code, contact_id, item, category, shard,
                                            events, unique_sessions)
  SELECT user_code, kind::"char", day, share_code, contact_id, item, category, shard,
         CASE WHEN kind = 's' THEN 0 ELSE n END, sessions
  FROM load_buckets
  ON CONFLICT ON CONSTRAINT daily_rollups_pkey DO UPDATE
    SET events = r.events + excluded.events, unique_sessions = r.unique_sessions + excluded.unique_sessions;
END
$$;
