-- The dashboard, read from rollups only, equals counts computed directly over the raw
-- events: totals, the daily series, page types, click categories, top targets, share
-- codes and contacts, with and without filters; after many batches (with retries and
-- out-of-order days) from many sessions. Unique sessions are per day (and per share
-- code / contact, which a session keeps), summed over days.
BEGIN;
SELECT plan(20);

SELECT setseed(0.42);
INSERT INTO public.user_code_ownership (user_id, user_code) VALUES ('00000000-0000-0000-0000-00000000d00d', 'dash');

-- 60 batches, 30 sessions, events over the last 6 days, 3 share codes, contacts, 4 page
-- types, 7 targets; 10 batches are sent twice (retries); one other card as noise.
CREATE TEMP TABLE gen AS
SELECT b, jsonb_agg(e ORDER BY i) AS events FROM (
  SELECT b, i, jsonb_build_object('type', k, 'data', jsonb_build_object(
      'eventId', gen_random_uuid(),
      'sessionId', CASE WHEN b % 13 = 0 THEN 'noise_s' ELSE 'dash_s' END || (b % 30),
      'userCode', CASE WHEN b % 13 = 0 THEN 'noise' ELSE 'dash' END,
      'shareCode', (ARRAY['public', 'vip', 'qr'])[1 + (b % 30) % 3],        -- a session keeps its
      'contactId', (ARRAY[NULL, 'c1', 'c2', ''])[1 + (b % 30) % 4],         -- share code and contact
      'timestamp', test_support.now_ms() - ((b * 7919 + i * 104729) % (6 * 86400)) * 1000::bigint,
      'pageType', (ARRAY['home', 'contact', 'profile', 'portfolio'])[1 + (i * 7 + b) % 4],
      'clickTarget', (ARRAY['contact.phone', 'contact.email', 'socialMessaging.whatsapp', 'socialChannels.x',
                            'portfolio.item1', 'aiAgent', 'custom.thing'])[1 + (i * 3 + b) % 7])) AS e
  FROM generate_series(1, 60) b,
       LATERAL (SELECT i, (ARRAY['session', 'page_view', 'page_view', 'click', 'page_view', 'click'])[1 + i % 6] AS k
                FROM generate_series(0, 4 + b % 17) i) ev
) x GROUP BY b;
INSERT INTO gen SELECT b + 1000, events FROM gen WHERE b % 6 = 0;   -- retries
GRANT SELECT ON gen TO anon;

SELECT test_support.as_anon();
SELECT ingest_analytics_batch(events) FROM gen ORDER BY b % 7, b;
RESET ROLE;

CREATE TEMP TABLE raw_events AS
  SELECT session_id, user_code, coalesce(share_code, '') AS share_code, coalesce(contact_id, '') AS contact_id,
         (started_at AT TIME ZONE 'UTC')::date AS day, 'session' AS kind, NULL AS item, NULL AS category FROM analytics.session_events
  UNION ALL
  SELECT session_id, user_code, coalesce(share_code, ''), coalesce(contact_id, ''), (viewed_at AT TIME ZONE 'UTC')::date,
         'page_view', page_type, NULL FROM analytics.page_views
  UNION ALL
  SELECT session_id, user_code, coalesce(share_code, ''), coalesce(contact_id, ''), (clicked_at AT TIME ZONE 'UTC')::date,
         'click', click_target, click_category FROM analytics.clicks;

-- Expected dashboard computed from raw events, with the same filter semantics.
CREATE FUNCTION pg_temp.expected(code text, f jsonb) RETURNS jsonb LANGUAGE sql AS $$
  WITH r AS (
    SELECT * FROM raw_events WHERE user_code = code
      AND day BETWEEN (f ->> 'from')::date AND (f ->> 'to')::date
      AND (f ->> 'shareCode' IS NULL OR share_code = f ->> 'shareCode')
      AND (nullif(f ->> 'contactId', '') IS NULL OR contact_id = f ->> 'contactId')
  ), days AS (SELECT g::date AS day FROM generate_series((f ->> 'from')::date, (f ->> 'to')::date, '1 day') g)
  SELECT jsonb_build_object(
    'totals', jsonb_build_object(
       'sessions', (SELECT count(DISTINCT (session_id, day)) FROM r),
       'pageViews', (SELECT count(*) FROM r WHERE kind = 'page_view'),
       'clicks', (SELECT count(*) FROM r WHERE kind = 'click')),
    'daily', (SELECT jsonb_agg(jsonb_build_object('day', d.day,
                 'sessions', (SELECT count(DISTINCT session_id) FROM r WHERE r.day = d.day),
                 'pageViews', (SELECT count(*) FROM r WHERE r.day = d.day AND kind = 'page_view'),
                 'clicks', (SELECT count(*) FROM r WHERE r.day = d.day AND kind = 'click')) ORDER BY d.day) FROM days d),
    'pageTypes', (SELECT coalesce(jsonb_agg(jsonb_build_object('pageType', item, 'views', n, 'uniqueSessions', u) ORDER BY n DESC, item), '[]')
                  FROM (SELECT item, count(*) n, count(DISTINCT (session_id, day, share_code, contact_id)) u FROM r WHERE kind = 'page_view' GROUP BY 1) x),
    'clickCategories', (SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'clicks', n, 'uniqueSessions', u) ORDER BY n DESC, category), '[]')
                  FROM (SELECT category, count(*) n, count(DISTINCT (session_id, day, share_code, contact_id)) u FROM r WHERE kind = 'click' GROUP BY 1) x),
    'topClickTargets', (SELECT coalesce(jsonb_agg(jsonb_build_object('target', item, 'category', category, 'clicks', n, 'uniqueSessions', u) ORDER BY n DESC, item), '[]')
                  FROM (SELECT item, category, count(*) n, count(DISTINCT (session_id, day, share_code, contact_id)) u FROM r WHERE kind = 'click'
                        GROUP BY 1, 2 ORDER BY n DESC, item LIMIT 20) x),
    'shareCodes', (SELECT coalesce(jsonb_agg(jsonb_build_object('shareCode', share_code, 'sessions', s, 'pageViews', p, 'clicks', c) ORDER BY p DESC, share_code), '[]')
                  FROM (SELECT share_code, count(DISTINCT (session_id, day, contact_id)) s, count(*) FILTER (WHERE kind = 'page_view') p,
                               count(*) FILTER (WHERE kind = 'click') c FROM r GROUP BY 1) x),
    'contacts', (SELECT coalesce(jsonb_agg(jsonb_build_object('contactId', contact_id, 'sessions', s, 'pageViews', p, 'clicks', c) ORDER BY p DESC, contact_id), '[]')
                  FROM (SELECT contact_id, count(DISTINCT (session_id, day, share_code)) s, count(*) FILTER (WHERE kind = 'page_view') p,
                               count(*) FILTER (WHERE kind = 'click') c FROM r WHERE contact_id <> '' GROUP BY 1) x))
$$;

CREATE TEMP TABLE filters (name text, f jsonb);
INSERT INTO filters VALUES
  ('last 7 days', jsonb_build_object('from', current_date - 6, 'to', current_date)),
  ('last 3 days', jsonb_build_object('from', current_date - 2, 'to', current_date)),
  ('shareCode vip', jsonb_build_object('from', current_date - 6, 'to', current_date, 'shareCode', 'vip')),
  ('contactId c1', jsonb_build_object('from', current_date - 6, 'to', current_date, 'contactId', 'c1')),
  ('shareCode qr + contactId c2', jsonb_build_object('from', current_date - 6, 'to', current_date, 'shareCode', 'qr', 'contactId', 'c2'));
CREATE TEMP TABLE actual (name text, d jsonb);
GRANT SELECT ON filters TO authenticated;
GRANT ALL ON actual TO authenticated;

SELECT test_support.as_user('00000000-0000-0000-0000-00000000d00d');
INSERT INTO actual SELECT name, get_analytics_dashboard('dash', f) FROM filters;
RESET ROLE;

SELECT ok((SELECT count(*) FROM raw_events WHERE user_code = 'dash') > 300, 'setup: several hundred raw events for the card');
SELECT ok((SELECT count(DISTINCT (session_id, day)) FROM raw_events WHERE user_code = 'dash') > 30, 'setup: sessions span several days');
SELECT is(a.d - 'userCode' - 'range' - 'filters', pg_temp.expected('dash', f.f), 'dashboard equals raw counts: ' || f.name)
FROM filters f JOIN actual a USING (name) ORDER BY f.name;
SELECT is(a.d -> 'totals', pg_temp.expected('dash', f.f) -> 'totals', 'totals equal raw counts: ' || f.name)
FROM filters f JOIN actual a USING (name) ORDER BY f.name;
SELECT is(jsonb_array_length(a.d -> 'daily'), (f.f ->> 'to')::date - (f.f ->> 'from')::date + 1, 'one daily entry per day of the range: ' || f.name)
FROM filters f JOIN actual a USING (name) ORDER BY f.name;

-- Session counters also equal the raw rows.
SELECT is((SELECT count(*) FROM analytics.sessions s WHERE s.page_views <> (SELECT count(*) FROM analytics.page_views p WHERE p.session_id = s.session_id)
                                                   OR s.clicks <> (SELECT count(*) FROM analytics.clicks c WHERE c.session_id = s.session_id)),
          0::bigint, 'every session''s counters equal its raw page views and clicks');
SELECT is((SELECT d -> 'range' FROM actual WHERE name = 'last 3 days'),
          jsonb_build_object('from', current_date - 2, 'to', current_date, 'timezone', 'UTC'), 'the range is echoed');
SELECT is((SELECT d -> 'filters' FROM actual WHERE name = 'shareCode qr + contactId c2'),
          '{"shareCode": "qr", "contactId": "c2"}'::jsonb, 'the filters are echoed');

SELECT * FROM finish();
ROLLBACK;
