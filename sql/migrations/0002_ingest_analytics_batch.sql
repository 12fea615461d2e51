-- ingest_analytics_batch(events jsonb): the public ingest endpoint
-- (supabase.rpc('ingest_analytics_batch', { events })). Safe to re-apply.

-- One validated event, as the ingest function passes it between its statements.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = 'analytics' AND t.typname = 'parsed_event') THEN
    CREATE TYPE analytics.parsed_event AS (
      idx integer,              -- 0-based position in the payload
      kind text,                -- 'session' | 'page_view' | 'click'
      event_id uuid,            -- data.eventId, or a random one when absent
      session_id text,
      user_code text,
      share_code text,          -- NULL when absent
      contact_id text,          -- NULL when absent or ''
      occurred_at timestamptz,
      page_type text,
      click_target text,
      click_category text,
      user_agent text,
      referrer text,
      reason text,              -- NULL = valid; otherwise why it was rejected
      dup boolean               -- repeats an earlier event of the same payload
    );
  END IF;
END
$$;

-- A rollup bucket a session counts in for the first time (see analytics.sessions.seen).
DO $$
BEGIN

  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = 'analytics' AND t.typname = 'mark') THEN
    CREATE TYPE analytics.mark AS (
      session_id text, day date, kind "char", item text, user_code text, share_code text, contact_id text);
  END IF;
END
$$;

-- The seed's click rule, used when an event carries no clickCategory.
-- Who may call: anyone (pure function of its argument, touches no data).
CREATE OR REPLACE FUNCTION analytics.default_click_category(target text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT CASE
    WHEN target LIKE 'contact.%' THEN 'contact'
    WHEN target LIKE 'socialMessaging.%' THEN 'messaging'
    WHEN target LIKE 'socialChannels.%' THEN 'social'
    WHEN target LIKE 'portfolio.%' THEN 'portfolio'
    WHEN target = 'aiAgent' THEN 'aiAgent'
    ELSE 'other'
  END
$$;
COMMENT ON FUNCTION analytics.default_click_category(text) IS
  'Seed click category rule (contact./socialMessaging./socialChannels./portfolio./aiAgent/other). Pure; called by ingest_analytics_batch.';

-- Raises the PostgREST custom-status error: HTTP `status`, JSON body
-- {code, message, details, hint}, optional Retry-After header.
-- Who may call: only the functions in this file (no EXECUTE for API roles); it only raises.
CREATE OR REPLACE FUNCTION analytics.raise_http(status integer, code text, message text,
                                                details text DEFAULT NULL, hint text DEFAULT NULL,
                                                retry_after_seconds integer DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  RAISE SQLSTATE 'PGRST' USING
    MESSAGE = pg_catalog.json_build_object('code', code, 'message', message,
                                           'details', details, 'hint', hint)::text,
    DETAIL = CASE WHEN retry_after_seconds IS NULL
               THEN pg_catalog.json_build_object('status', status, 'headers', pg_catalog.json_build_object())::text
               ELSE pg_catalog.json_build_object('status', status, 'headers',
                      pg_catalog.json_build_object('Retry-After', retry_after_seconds::text))::text
             END;
END
$$;
REVOKE ALL ON FUNCTION analytics.raise_http(integer, text, text, text, text, integer) FROM PUBLIC;
COMMENT ON FUNCTION analytics.raise_http(integer, text, text, text, text, integer) IS
  'Raises SQLSTATE PGRST so PostgREST answers with the given HTTP status and headers. Internal: not executable by API roles.';

-- ---------------------------------------------------------------------------
-- Who may call: anon and authenticated (any browser showing a share page), through
-- Supabase RPC. Why it is safe although SECURITY DEFINER (it must write tables the
-- caller cannot touch):
--  * search_path is empty and every name is schema-qualified, so a caller cannot
--    substitute objects;
--  * it only appends analytics rows and bumps counters; it reads nothing back to the
--    caller except counts and rejection reasons for its own payload;
--  * every field is type- and length-checked, timestamps must fall in a window around
--    the server clock, a payload is bounded (analytics.settings), and callers are
--    rate limited per client IP and per userCode (HTTP 429 with Retry-After);
--  * optional: userCode must be a registered card (settings.require_registered_user_code).
-- Set-based: one statement per step for the whole batch. Lock order is fixed
-- (rate-limit rows, raw rows, session rows by session_id, rollup rows by key,
-- rollups sharded by backend), so concurrent writers never deadlock.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION public.ingest_analytics_batch(events jsonb)
RETURNS json
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
-- Its statements depend on variables only through values, never through plan shape:
-- generic plans avoid re-planning the large validation query on every call.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  cfg analytics.settings;
  n_events integer;
  v_shard smallint;
  lo_ms numeric;
  hi_ms numeric;
  v_client_ip text;
  v_rate_window timestamptz;
  limited_key text;
  parsed analytics.parsed_event[];
  n_sessions integer;
  n_page_views integer;
  n_clicks integer;
  fresh analytics.parsed_event[];
  marks analytics.mark[] := '{}'::analytics.mark[];
  v_min_day date;
  n_valid integer;
  rejected json;
BEGIN
  SELECT s.* INTO cfg FROM analytics.settings AS s WHERE s.singleton;

  -- Whole-payload checks: a clear 4xx, nothing stored.
  IF events IS NULL OR pg_catalog.jsonb_typeof(events) <> 'array' THEN
    PERFORM analytics.raise_http(400, 'invalid_payload', 'events must be a JSON array of events',
      'got ' || coalesce(pg_catalog.jsonb_typeof(events), 'null'), 'send {"events": [...]}');
  END IF;
  n_events := pg_catalog.jsonb_array_length(events);
  IF n_events = 0 THEN
    PERFORM analytics.raise_http(400, 'invalid_payload', 'events is empty', NULL, 'send at least one event');
  END IF;
  IF n_events > cfg.max_events_per_call THEN
    PERFORM analytics.raise_http(413, 'too_many_events',
      pg_catalog.format('at most %s events per call', cfg.max_events_per_call),
      pg_catalog.format('got %s', n_events), 'split the batch');
  END IF;
  IF pg_catalog.pg_column_size(events) > cfg.max_payload_bytes THEN
    PERFORM analytics.raise_http(413, 'payload_too_large',
      pg_catalog.format('payload larger than %s bytes', cfg.max_payload_bytes), NULL, 'split the batch');
  END IF;

  lo_ms := pg_catalog.date_part('epoch', pg_catalog.now() - cfg.max_event_age)::numeric * 1000;
  hi_ms := pg_catalog.date_part('epoch', pg_catalog.now() + cfg.max_clock_skew)::numeric * 1000;

  -- Validate every event in one pass. The first failing check gives the reason.
  -- Each field is extracted once per event (the OFFSET 0 subqueries are evaluated per
  -- row, not inlined into every reference), then checked in order.
  WITH typed AS (
    SELECT (t.o - 1)::integer AS idx, f.kind,
           CASE WHEN c.reason IS NULL THEN coalesce(f.event_id::uuid, pg_catalog.gen_random_uuid()) END AS event_id,
           f.session_id, f.user_code, f.share_code,
           nullif(f.contact_id, '') AS contact_id,
           CASE WHEN c.reason IS NULL THEN pg_catalog.to_timestamp(f.ts::numeric / 1000) END AS occurred_at,
           CASE WHEN f.kind = 'page_view' THEN f.page_type END AS page_type,
           CASE WHEN f.kind = 'click' THEN f.click_target END AS click_target,
           CASE WHEN f.kind = 'click' AND c.reason IS NULL
                THEN coalesce(nullif(f.click_category, ''), analytics.default_click_category(f.click_target)) END
             AS click_category,
           CASE WHEN f.kind = 'session' THEN f.user_agent END AS user_agent,
           CASE WHEN f.kind = 'session' THEN f.referrer END AS referrer,
           c.reason
    FROM pg_catalog.jsonb_array_elements(events) WITH ORDINALITY AS t(e, o)
    CROSS JOIN LATERAL (SELECT CASE WHEN pg_catalog.jsonb_typeof(t.e) = 'object' THEN t.e -> 'data' END AS d OFFSET 0) AS x
    CROSS JOIN LATERAL (SELECT
           pg_catalog.jsonb_typeof(t.e) AS t_event,
           pg_catalog.jsonb_typeof(t.e -> 'type') AS t_kind, t.e ->> 'type' AS kind,
           pg_catalog.jsonb_typeof(x.d) AS t_data,
           coalesce(x.d -> 'timestamp', t.e -> 'timestamp') AS ts,
           pg_catalog.jsonb_typeof(x.d -> 'sessionId') AS t_sid, x.d ->> 'sessionId' AS session_id,
           pg_catalog.jsonb_typeof(x.d -> 'userCode') AS t_code, x.d ->> 'userCode' AS user_code,
           coalesce(pg_catalog.jsonb_typeof(x.d -> 'shareCode'), 'null') AS t_share, x.d ->> 'shareCode' AS share_code,
           coalesce(pg_catalog.jsonb_typeof(x.d -> 'contactId'), 'null') AS t_contact, x.d ->> 'contactId' AS contact_id,
           coalesce(pg_catalog.jsonb_typeof(x.d -> 'eventId'), 'null') AS t_event_id, x.d ->> 'eventId' AS event_id,
           coalesce(pg_catalog.jsonb_typeof(x.d -> 'userAgent'), 'null') AS t_ua, x.d ->> 'userAgent' AS user_agent,
           coalesce(pg_catalog.jsonb_typeof(x.d -> 'referrer'), 'null') AS t_ref, x.d ->> 'referrer' AS referrer,
           pg_catalog.jsonb_typeof(x.d -> 'pageType') AS t_page, x.d ->> 'pageType' AS page_type,
           pg_catalog.jsonb_typeof(x.d -> 'clickTarget') AS t_target, x.d ->> 'clickTarget' AS click_target,
           coalesce(pg_catalog.jsonb_typeof(x.d -> 'clickCategory'), 'null') AS t_cat, x.d ->> 'clickCategory' AS click_category
      OFFSET 0) AS f
    CROSS JOIN LATERAL (SELECT
      CASE
        WHEN f.t_event <> 'object' THEN 'event must be a JSON object'
        WHEN f.t_kind IS DISTINCT FROM 'string' THEN 'type must be a string'
        WHEN f.kind NOT IN ('session', 'page_view', 'click') THEN 'unknown type'
        WHEN f.t_data IS DISTINCT FROM 'object' THEN 'data must be a JSON object'
        WHEN f.t_sid IS DISTINCT FROM 'string' OR f.session_id = '' THEN 'sessionId must be a non-empty string'
        WHEN pg_catalog.length(f.session_id) > cfg.max_id_length THEN 'sessionId longer than ' || cfg.max_id_length
        WHEN f.t_code IS DISTINCT FROM 'string' OR f.user_code = '' THEN 'userCode must be a non-empty string'
        WHEN pg_catalog.length(f.user_code) > cfg.max_code_length THEN 'userCode longer than ' || cfg.max_code_length
        WHEN f.t_share NOT IN ('string', 'null') THEN 'shareCode must be a string'
        WHEN pg_catalog.length(f.share_code) > cfg.max_code_length THEN 'shareCode longer than ' || cfg.max_code_length
        WHEN f.t_contact NOT IN ('string', 'null') THEN 'contactId must be a string'
        WHEN pg_catalog.length(f.contact_id) > cfg.max_id_length THEN 'contactId longer than ' || cfg.max_id_length
        WHEN f.t_event_id NOT IN ('string', 'null')
          OR (f.t_event_id = 'string'
              -- the canonical 8-4-4-4-12 hex form (translate: much cheaper than a regex)
              AND pg_catalog.translate(f.event_id, '0123456789abcdefABCDEF', '0000000000000000000000')
                  <> '00000000-0000-0000-0000-000000000000')
          THEN 'eventId must be a UUID string'
        WHEN pg_catalog.jsonb_typeof(f.ts) IS DISTINCT FROM 'number'
          THEN 'timestamp must be a number (milliseconds since the epoch)'
        WHEN f.ts::numeric < lo_ms OR f.ts::numeric > hi_ms
          THEN pg_catalog.format('timestamp outside the accepted window (%s back, %s ahead of the server clock)',
                                 cfg.max_event_age, cfg.max_clock_skew)
        WHEN f.t_ua NOT IN ('string', 'null') THEN 'userAgent must be a string'
        WHEN pg_catalog.length(f.user_agent) > cfg.max_text_length THEN 'userAgent longer than ' || cfg.max_text_length
        WHEN f.t_ref NOT IN ('string', 'null') THEN 'referrer must be a string'
        WHEN pg_catalog.length(f.referrer) > cfg.max_text_length THEN 'referrer longer than ' || cfg.max_text_length
        WHEN f.kind = 'page_view' AND (f.t_page IS DISTINCT FROM 'string' OR f.page_type = '')
          THEN 'pageType must be a non-empty string'
        WHEN f.kind = 'page_view' AND pg_catalog.length(f.page_type) > cfg.max_code_length
          THEN 'pageType longer than ' || cfg.max_code_length
        WHEN f.kind = 'click' AND (f.t_target IS DISTINCT FROM 'string' OR f.click_target = '')
          THEN 'clickTarget must be a non-empty string'
        WHEN f.kind = 'click' AND pg_catalog.length(f.click_target) > cfg.max_target_length
          THEN 'clickTarget longer than ' || cfg.max_target_length
        WHEN f.kind = 'click' AND f.t_cat NOT IN ('string', 'null') THEN 'clickCategory must be a string'
        WHEN f.kind = 'click' AND pg_catalog.length(f.click_category) > cfg.max_code_length
          THEN 'clickCategory longer than ' || cfg.max_code_length
        WHEN cfg.require_registered_user_code AND NOT EXISTS (
               SELECT 1 FROM public.user_code_ownership AS o WHERE o.user_code = f.user_code)
          THEN 'unknown userCode'
      END AS reason
      OFFSET 0) AS c
  ), numbered AS (
    SELECT y.*, y.reason IS NULL AND pg_catalog.row_number() OVER (
                  PARTITION BY y.event_id, y.occurred_at ORDER BY y.idx) > 1 AS dup
    FROM typed AS y
  )
  SELECT pg_catalog.array_agg(ROW(y.idx, y.kind, y.event_id, y.session_id, y.user_code, y.share_code, y.contact_id,
                                  y.occurred_at, y.page_type, y.click_target, y.click_category, y.user_agent,
                                  y.referrer, y.reason, y.dup)::analytics.parsed_event ORDER BY y.idx)
  INTO parsed
  FROM numbered AS y;

  SELECT pg_catalog.count(*)::integer INTO n_valid FROM pg_catalog.unnest(parsed) AS p WHERE p.reason IS NULL;

  -- Rate limits: per client IP (first x-forwarded-for entry; the deployment's proxy
  -- must set it) in calls, per userCode in events. Counters are sharded per backend.
  v_shard := (pg_catalog.pg_backend_pid() % cfg.rollup_shards)::smallint;
  IF cfg.rate_limit_ip_calls IS NOT NULL OR cfg.rate_limit_user_code_events IS NOT NULL THEN
    v_client_ip := nullif(pg_catalog.btrim(pg_catalog.split_part(
                   nullif(pg_catalog.current_setting('request.headers', true), '')::json ->> 'x-forwarded-for',
                   ',', 1)), '');
    v_rate_window := pg_catalog.to_timestamp(
                     pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.now()) / cfg.rate_window_seconds)
                     * cfg.rate_window_seconds);
    WITH wanted AS (
      SELECT 'ip:' || v_client_ip AS key, 1::bigint AS cost, cfg.rate_limit_ip_calls::bigint AS lim
      WHERE v_client_ip IS NOT NULL AND cfg.rate_limit_ip_calls IS NOT NULL
      UNION ALL
      SELECT 'code:' || p.user_code, pg_catalog.count(*), cfg.rate_limit_user_code_events::bigint
      FROM pg_catalog.unnest(parsed) AS p
      WHERE p.reason IS NULL AND cfg.rate_limit_user_code_events IS NOT NULL
      GROUP BY p.user_code
    ), used AS (
      SELECT w.key, w.cost, w.lim,
             coalesce((SELECT pg_catalog.sum(c.hits) FROM analytics.rate_limit_counters AS c
                       WHERE c.key = w.key AND c.window_start = v_rate_window), 0) AS hits
      FROM wanted AS w
    ), bumped AS (
      INSERT INTO analytics.rate_limit_counters AS c (key, window_start, shard, hits)
      SELECT u.key, v_rate_window, v_shard, u.cost FROM used AS u
      WHERE NOT EXISTS (SELECT 1 FROM used AS x WHERE x.hits + x.cost > x.lim)
      ORDER BY u.key
      ON CONFLICT ON CONSTRAINT rate_limit_counters_pkey DO UPDATE SET hits = c.hits + excluded.hits
      RETURNING c.key
    )
    SELECT u.key INTO limited_key FROM used AS u WHERE u.hits + u.cost > u.lim ORDER BY u.key LIMIT 1;

    IF limited_key IS NOT NULL THEN
      PERFORM analytics.raise_http(429, 'rate_limited', 'too many analytics requests',
        pg_catalog.format('limit reached for %s', limited_key), 'retry after the Retry-After delay',
        -- whole seconds until the window ends, rounded up (never 0: "retry now" would spin)
        GREATEST(1, pg_catalog.ceil(pg_catalog.date_part('epoch',
          v_rate_window + pg_catalog.make_interval(secs => cfg.rate_window_seconds) - pg_catalog.now()))::integer));
    END IF;
  END IF;

  -- Raw inserts: one statement, one INSERT per type, each in event_id order; a retried
  -- event hits the dedupe key and is skipped. Only what was really inserted ("fresh",
  -- rebuilt from RETURNING, no join) drives the counters and rollups.
  WITH valid AS MATERIALIZED (
    SELECT p.* FROM pg_catalog.unnest(parsed) AS p WHERE p.reason IS NULL AND NOT p.dup
  ), ins_s AS (
    INSERT INTO analytics.session_events AS t (event_id, session_id, user_code, share_code, contact_id,
                                               started_at, user_agent, referrer)
    SELECT v.event_id, v.session_id, v.user_code, v.share_code, v.contact_id, v.occurred_at, v.user_agent, v.referrer
    FROM valid AS v WHERE v.kind = 'session'
    ORDER BY v.event_id
    ON CONFLICT ON CONSTRAINT session_events_dedupe DO NOTHING
    RETURNING ROW(0, 'session', t.event_id, t.session_id, t.user_code, t.share_code, t.contact_id, t.started_at,
                  NULL, NULL, NULL, t.user_agent, t.referrer, NULL, false)::analytics.parsed_event AS e
  ), ins_p AS (
    INSERT INTO analytics.page_views AS t (event_id, session_id, user_code, share_code, contact_id, page_type, viewed_at)
    SELECT v.event_id, v.session_id, v.user_code, v.share_code, v.contact_id, v.page_type, v.occurred_at
    FROM valid AS v WHERE v.kind = 'page_view'
    ORDER BY v.event_id
    ON CONFLICT ON CONSTRAINT page_views_dedupe DO NOTHING
    RETURNING ROW(0, 'page_view', t.event_id, t.session_id, t.user_code, t.share_code, t.contact_id, t.viewed_at,
                  t.page_type, NULL, NULL, NULL, NULL, NULL, false)::analytics.parsed_event AS e
  ), ins_c AS (
    INSERT INTO analytics.clicks AS t (event_id, session_id, user_code, share_code, contact_id,
                                       click_target, click_category, clicked_at)
    SELECT v.event_id, v.session_id, v.user_code, v.share_code, v.contact_id, v.click_target, v.click_category, v.occurred_at
    FROM valid AS v WHERE v.kind = 'click'
    ORDER BY v.event_id
    ON CONFLICT ON CONSTRAINT clicks_dedupe DO NOTHING
    RETURNING ROW(0, 'click', t.event_id, t.session_id, t.user_code, t.share_code, t.contact_id, t.clicked_at,
                  NULL, t.click_target, t.click_category, NULL, NULL, NULL, false)::analytics.parsed_event AS e
  )
  SELECT coalesce(pg_catalog.array_agg(x.e), '{}'::analytics.parsed_event[])
  INTO fresh
  FROM (SELECT ins_s.e FROM ins_s UNION ALL SELECT ins_p.e FROM ins_p UNION ALL SELECT ins_c.e FROM ins_c) AS x;

  SELECT pg_catalog.count(*) FILTER (WHERE p.kind = 'session')::integer,
         pg_catalog.count(*) FILTER (WHERE p.kind = 'page_view')::integer,
         pg_catalog.count(*) FILTER (WHERE p.kind = 'click')::integer
  INTO n_sessions, n_page_views, n_clicks
  FROM pg_catalog.unnest(fresh) AS p;

  IF pg_catalog.cardinality(fresh) > 0 THEN
    -- Session counters and "first time in this bucket" marks: one upsert, rows locked in
    -- session_id order. Attributes come from the session event when the batch has one,
    -- else from the earliest event. new_marks = wanted entries not yet in seen, decided
    -- under the row lock, so concurrent batches of one session never count it twice.
    v_min_day := ((pg_catalog.now() - cfg.max_event_age) AT TIME ZONE 'UTC')::date;
    WITH entries AS (
      SELECT p.*, k.kind AS mark_kind,
             ROW((p.occurred_at AT TIME ZONE 'UTC')::date, k.kind, p.user_code,
                 coalesce(p.share_code, ''), coalesce(p.contact_id, ''), k.item)::analytics.seen_entry AS entry
      FROM pg_catalog.unnest(fresh) AS p
      CROSS JOIN LATERAL (VALUES ('s'::"char", ''), ('p', p.page_type), ('c', p.click_category), ('t', p.click_target)) AS k(kind, item)
      WHERE k.item IS NOT NULL
    ), agg AS (
      -- every event has exactly one 's' entry: counts use those rows. Card attributes:
      -- the session event's when the batch has one (a session keeps them), else any.
      SELECT p.session_id,
             coalesce(pg_catalog.max(p.user_code) FILTER (WHERE p.kind = 'session'), pg_catalog.max(p.user_code)) AS user_code,
             coalesce(pg_catalog.max(p.share_code) FILTER (WHERE p.kind = 'session'), pg_catalog.max(p.share_code)) AS share_code,
             coalesce(pg_catalog.max(p.contact_id) FILTER (WHERE p.kind = 'session'), pg_catalog.max(p.contact_id)) AS contact_id,
             pg_catalog.min(p.occurred_at) AS first_seen,
             pg_catalog.max(p.occurred_at) AS last_seen,
             pg_catalog.count(*) FILTER (WHERE p.kind = 'page_view' AND p.mark_kind = 's') AS page_views,
             pg_catalog.count(*) FILTER (WHERE p.kind = 'click' AND p.mark_kind = 's') AS clicks,
             pg_catalog.max(p.user_agent) AS user_agent,
             pg_catalog.max(p.referrer) AS referrer,
             pg_catalog.array_agg(DISTINCT p.entry) AS want
      FROM entries AS p
      GROUP BY p.session_id
    ), up AS (
      INSERT INTO analytics.sessions AS s (session_id, user_code, share_code, contact_id, first_seen, last_seen,
                                           page_views, clicks, user_agent, referrer, seen, new_marks)
      SELECT a.session_id, a.user_code, a.share_code, a.contact_id, a.first_seen, a.last_seen,
             a.page_views, a.clicks, a.user_agent, a.referrer, a.want, a.want
      FROM agg AS a
      ORDER BY a.session_id
      ON CONFLICT (session_id) DO UPDATE SET
        first_seen = LEAST(s.first_seen, excluded.first_seen),
        last_seen = GREATEST(s.last_seen, excluded.last_seen),
        page_views = s.page_views + excluded.page_views,
        clicks = s.clicks + excluded.clicks,
        user_agent = coalesce(s.user_agent, excluded.user_agent),
        referrer = coalesce(s.referrer, excluded.referrer),
        updated_at = pg_catalog.now(),
        new_marks = ARRAY(SELECT x FROM pg_catalog.unnest(excluded.seen) AS x
                          EXCEPT SELECT y FROM pg_catalog.unnest(s.seen) AS y),
        seen = ARRAY(SELECT x FROM pg_catalog.unnest(s.seen) AS x WHERE x.day >= v_min_day
                     UNION SELECT y FROM pg_catalog.unnest(excluded.seen) AS y)
      RETURNING s.session_id, s.new_marks
    )
    SELECT coalesce(pg_catalog.array_agg(ROW(up.session_id, m.day, m.kind, m.item, m.user_code, m.share_code,
                                             m.contact_id)::analytics.mark), '{}'::analytics.mark[])
    INTO marks
    FROM up CROSS JOIN LATERAL pg_catalog.unnest(up.new_marks) AS m;

    -- Rollups: one upsert each, keys sorted, rows sharded by backend.
    -- Rollups: one statement, one upsert per table, keys sorted, rows sharded by backend.
    WITH pv AS (
      SELECT p.user_code, (p.occurred_at AT TIME ZONE 'UTC')::date AS day, coalesce(p.share_code, '') AS share_code,
             coalesce(p.contact_id, '') AS contact_id, p.kind, p.page_type, p.click_target, p.click_category
      FROM pg_catalog.unnest(fresh) AS p WHERE p.kind IN ('page_view', 'click')
    ), m AS (
      SELECT mk.* FROM pg_catalog.unnest(marks) AS mk
    ), up_sessions AS (
      INSERT INTO analytics.daily_sessions AS r (user_code, day, share_code, contact_id, shard, sessions)
      SELECT m.user_code, m.day, m.share_code, m.contact_id, v_shard, pg_catalog.count(*)
      FROM m WHERE m.kind = 's'
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT daily_sessions_pkey DO UPDATE SET sessions = r.sessions + excluded.sessions
    ), up_pages AS (
      INSERT INTO analytics.daily_page_views AS r (user_code, day, share_code, contact_id, page_type, shard,
                                                   views, unique_sessions)
      SELECT x.user_code, x.day, x.share_code, x.contact_id, x.item, v_shard, pg_catalog.sum(x.n), pg_catalog.sum(x.u)
      FROM (
        SELECT pv.user_code, pv.day, pv.share_code, pv.contact_id, pv.page_type AS item, 1 AS n, 0 AS u
        FROM pv WHERE pv.kind = 'page_view'
        UNION ALL
        SELECT m.user_code, m.day, m.share_code, m.contact_id, m.item, 0, 1 FROM m WHERE m.kind = 'p'
      ) AS x
      GROUP BY 1, 2, 3, 4, 5
      ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT ON CONSTRAINT daily_page_views_pkey DO UPDATE SET
        views = r.views + excluded.views, unique_sessions = r.unique_sessions + excluded.unique_sessions
    ), up_categories AS (
      INSERT INTO analytics.daily_click_categories AS r (user_code, day, share_code, contact_id, click_category, shard,
                                                         clicks, unique_sessions)
      SELECT x.user_code, x.day, x.share_code, x.contact_id, x.item, v_shard, pg_catalog.sum(x.n), pg_catalog.sum(x.u)
      FROM (
        SELECT pv.user_code, pv.day, pv.share_code, pv.contact_id, pv.click_category AS item, 1 AS n, 0 AS u
        FROM pv WHERE pv.kind = 'click'
        UNION ALL
        SELECT m.user_code, m.day, m.share_code, m.contact_id, m.item, 0, 1 FROM m WHERE m.kind = 'c'
      ) AS x
      GROUP BY 1, 2, 3, 4, 5
      ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT ON CONSTRAINT daily_click_categories_pkey DO UPDATE SET
        clicks = r.clicks + excluded.clicks, unique_sessions = r.unique_sessions + excluded.unique_sessions
    )
    -- A target's category is the one its clicks carry; a target mark's unique session
    -- goes to the category of that session's first click on it that day.
    INSERT INTO analytics.daily_click_targets AS r (user_code, day, share_code, contact_id, click_target,
                                                    click_category, shard, clicks, unique_sessions)
    SELECT x.user_code, x.day, x.share_code, x.contact_id, x.item, x.category, v_shard,
           pg_catalog.sum(x.n), pg_catalog.sum(x.u)
    FROM (
      SELECT pv.user_code, pv.day, pv.share_code, pv.contact_id, pv.click_target AS item, pv.click_category AS category,
             1 AS n, 0 AS u
      FROM pv WHERE pv.kind = 'click'
      UNION ALL
      SELECT m.user_code, m.day, m.share_code, m.contact_id, m.item,
             (SELECT p.click_category FROM pg_catalog.unnest(fresh) AS p
              WHERE p.kind = 'click' AND p.session_id = m.session_id AND p.click_target = m.item
                AND (p.occurred_at AT TIME ZONE 'UTC')::date = m.day
              ORDER BY p.occurred_at, p.event_id LIMIT 1),
             0, 1
      FROM m WHERE m.kind = 't'
    ) AS x
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ON CONSTRAINT daily_click_targets_pkey DO UPDATE SET
      clicks = r.clicks + excluded.clicks, unique_sessions = r.unique_sessions + excluded.unique_sessions;
  END IF;

  SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('index', p.idx, 'reason', p.reason) ORDER BY p.idx),
                  '[]'::json)
  INTO rejected
  FROM pg_catalog.unnest(parsed) AS p WHERE p.reason IS NOT NULL;

  RETURN pg_catalog.json_build_object(
    'success', true,
    'processed', n_events,
    'sessions_inserted', n_sessions,
    'page_views_inserted', n_page_views,
    'clicks_inserted', n_clicks,
    'duplicates', n_valid - pg_catalog.cardinality(fresh),
    'rejected', rejected
  );
END
$$;

REVOKE ALL ON FUNCTION public.ingest_analytics_batch(jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.ingest_analytics_batch(jsonb) TO anon, authenticated;
COMMENT ON FUNCTION public.ingest_analytics_batch(jsonb) IS
  'Public ingest endpoint (anon, authenticated via Supabase RPC). SECURITY DEFINER with empty search_path; validates, bounds, rate limits, dedupes by eventId; see sql/README.md.';

REVOKE ALL ON FUNCTION analytics.default_click_category(text) FROM PUBLIC;
