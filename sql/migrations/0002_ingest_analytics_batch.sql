-- ingest_analytics_batch(events jsonb): the public ingest endpoint
-- (supabase.rpc('ingest_analytics_batch', { events })). Safe to re-apply.

-- Types of an earlier version, which passed events between statements in arrays;
-- the ingest is one statement now.
DO $$
BEGIN
  IF pg_catalog.to_regtype('analytics.parsed_event') IS NOT NULL THEN DROP TYPE analytics.parsed_event; END IF;
  IF pg_catalog.to_regtype('analytics.mark') IS NOT NULL THEN DROP TYPE analytics.mark; END IF;
END
$$;

-- One session's additions from a batch, handed from the ingest's main statement to
-- its last one (which updates analytics.sessions).
DO $$
BEGIN
  IF pg_catalog.to_regtype('analytics.session_delta') IS NULL THEN
    CREATE TYPE analytics.session_delta AS (
      session_id text, user_code text, share_code text, contact_id text,
      first_seen timestamptz, last_seen timestamptz, page_views bigint, clicks bigint,
      user_agent text, referrer text);
  END IF;
END
$$;

-- The seed's click rule, used when an event carries no clickCategory (every click in
-- the seed's own format). A SQL-standard body: its names are bound when it is created,
-- so it needs no search_path and is inlined into the ingest instead of being called
-- once per such event.
-- Who may call: anyone (pure function of its argument, touches no data).
CREATE OR REPLACE FUNCTION analytics.default_click_category(target text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN target LIKE 'contact.%' THEN 'contact'
    WHEN target LIKE 'socialMessaging.%' THEN 'messaging'
    WHEN target LIKE 'socialChannels.%' THEN 'social'
    WHEN target LIKE 'portfolio.%' THEN 'portfolio'
    WHEN target = 'aiAgent' THEN 'aiAgent'
    ELSE 'other'
  END;
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

-- The 429 a rate-limited call gets: one wording for both places the ingest checks
-- (the cheap pre-check before any work, the exact count at the end).
-- Who may call: only ingest_analytics_batch (no EXECUTE for API roles); it only raises.
CREATE OR REPLACE FUNCTION analytics.raise_rate_limited(limited_key text, retry_after_seconds integer)
RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  PERFORM analytics.raise_http(429, 'rate_limited', 'too many analytics requests',
    pg_catalog.format('limit reached for %s', limited_key), 'retry after the Retry-After delay',
    retry_after_seconds);
END
$$;
REVOKE ALL ON FUNCTION analytics.raise_rate_limited(text, integer) FROM PUBLIC;
COMMENT ON FUNCTION analytics.raise_rate_limited(text, integer) IS
  'Raises the 429 (code rate_limited, Retry-After) for the limited key. Internal: called by ingest_analytics_batch.';

-- Is s a UUID in the canonical 8-4-4-4-12 hex form (what uuid_in surely accepts)?
-- Byte checks, no regex and no translate(): this runs for every event, and both of
-- those walk the string character by character (4x slower, measured). STABLE, not
-- IMMUTABLE, only because textsend() is: that keeps it inlined into the caller.
-- Who may call: anyone (pure function of its argument).
CREATE OR REPLACE FUNCTION analytics.is_canonical_uuid(s text)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.octet_length(s) = 36 AND s LIKE '________-____-____-____-____________'
   -- every byte a hex digit or '-' ...
   AND pg_catalog.octet_length(pg_catalog.btrim(pg_catalog.textsend(s),
         '\x303132333435363738396162636465664142434445462d'::bytea)) = 0
   -- ... and exactly the four dashes placed above
   AND pg_catalog.octet_length(pg_catalog.replace(s, '-', '')) = 32;

-- Why one event is rejected, or NULL when it is valid: the authoritative list of
-- checks, in the order they are reported (the first failing one is the reason).
-- The ingest's fast path (its type and value checks) is never looser, so it calls
-- this only for events that may be invalid.
-- Who may call: only ingest_analytics_batch (no EXECUTE for API roles); it reads
-- nothing but user_code_ownership, for the registered-card check.
CREATE OR REPLACE FUNCTION analytics.event_rejection(event jsonb, lo_ms numeric, hi_ms numeric, cfg analytics.settings)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT
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
        OR (f.t_event_id = 'string' AND NOT analytics.is_canonical_uuid(f.event_id))
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
    END
  FROM (SELECT event AS e) AS t
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
$$;
REVOKE ALL ON FUNCTION analytics.event_rejection(jsonb, numeric, numeric, analytics.settings) FROM PUBLIC;
COMMENT ON FUNCTION analytics.event_rejection(jsonb, numeric, numeric, analytics.settings) IS
  'Reason an event is rejected (NULL = valid); every check and its message. Internal: called by ingest_analytics_batch.';

-- Which events of a payload the ingest must skip as duplicates (0-based indexes, NULL
-- when none): the valid events with an eventId whose dedupe key, derived exactly as the
-- ingest derives it, is already stored in their raw table, or repeats an earlier event
-- of the same payload. Only the ingest's slow path calls it, after a plain insert met a
-- stored event (a retry), so it may use the authoritative event_rejection per event.
-- Who may call: only ingest_analytics_batch (no EXECUTE for API roles); it reads the
-- raw tables' dedupe keys and returns nothing but indexes into its own argument.
CREATE OR REPLACE FUNCTION analytics.stored_or_repeated_events(events jsonb, lo_ms numeric, hi_ms numeric,
                                                               cfg analytics.settings)
RETURNS integer[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH keyed AS MATERIALIZED (
    -- valid events only, so that the casts below cannot fail
    SELECT (t.o - 1)::integer AS idx, t.e ->> 'type' AS kind, (t.e -> 'data' ->> 'eventId')::uuid AS event_id,
           pg_catalog.to_timestamp(coalesce(t.e -> 'data' ->> 'timestamp', t.e ->> 'timestamp')::numeric / 1000)
             AS occurred_at
    FROM (SELECT e, o FROM pg_catalog.jsonb_array_elements(events) WITH ORDINALITY AS a(e, o)
          WHERE analytics.event_rejection(a.e, lo_ms, hi_ms, cfg) IS NULL OFFSET 0) AS t
    WHERE t.e -> 'data' ->> 'eventId' IS NOT NULL
  )
  SELECT pg_catalog.array_agg(k.idx ORDER BY k.idx)
  FROM (SELECT k.*, pg_catalog.row_number() OVER (PARTITION BY k.kind, k.event_id, k.occurred_at ORDER BY k.idx) AS nth
        FROM keyed AS k) AS k
  WHERE k.nth > 1
     OR (k.kind = 'session' AND EXISTS (SELECT 1 FROM analytics.session_events AS r
                                        WHERE r.event_id = k.event_id AND r.started_at = k.occurred_at))
     OR (k.kind = 'page_view' AND EXISTS (SELECT 1 FROM analytics.page_views AS r
                                          WHERE r.event_id = k.event_id AND r.viewed_at = k.occurred_at))
     OR (k.kind = 'click' AND EXISTS (SELECT 1 FROM analytics.clicks AS r
                                      WHERE r.event_id = k.event_id AND r.clicked_at = k.occurred_at))
$$;
REVOKE ALL ON FUNCTION analytics.stored_or_repeated_events(jsonb, numeric, numeric, analytics.settings) FROM PUBLIC;
COMMENT ON FUNCTION analytics.stored_or_repeated_events(jsonb, numeric, numeric, analytics.settings) IS
  'Indexes of a payload''s events already stored or repeated in it (dedupe). Internal: called by ingest_analytics_batch.';

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
-- Set-based: after the whole-payload checks, two statements do the work, each a chain
-- of CTEs with one INSERT per table: first the batch's own rows (raw events, marks,
-- rollups sharded by backend; run again without the stored events when one of its
-- plain inserts meets an event already stored), then the rows batches share
-- (rate-limit counters, session counters), so those are locked only from there to
-- commit. Lock order is the same in every backend (raw rows, marks, rollups, rate-limit
-- counters, sessions) and rows are taken in key order: concurrent writers never
-- deadlock.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION public.ingest_analytics_batch(events jsonb)
RETURNS json
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
-- Its statements depend on variables only through values, never through plan shape:
-- generic plans avoid re-planning the large ingest statement on every call.
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
  v_retry_after integer;
  limited_key text;
  v_codes text[];
  v_code_events bigint[];
  v_sessions analytics.session_delta[];
  v_unknown_codes text[];
  v_skip integer[];
  v_skip_before integer[];
  v_constraint text;
  result json;
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
  -- rollup and rate-limit rows are sharded per backend (see settings.rollup_shards)
  v_shard := (pg_catalog.pg_backend_pid() % cfg.rollup_shards)::smallint;
  IF cfg.rate_limit_ip_calls IS NOT NULL OR cfg.rate_limit_user_code_events IS NOT NULL THEN
    -- first x-forwarded-for entry; the deployment's proxy must set it
    v_client_ip := nullif(pg_catalog.btrim(pg_catalog.split_part(
                   nullif(pg_catalog.current_setting('request.headers', true), '')::json ->> 'x-forwarded-for',
                   ',', 1)), '');
    v_rate_window := pg_catalog.to_timestamp(
                     pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.now()) / cfg.rate_window_seconds)
                     * cfg.rate_window_seconds);
    -- whole seconds until the window ends, rounded up (never 0: "retry now" would spin)
    v_retry_after := GREATEST(1, pg_catalog.ceil(pg_catalog.date_part('epoch',
                       v_rate_window + pg_catalog.make_interval(secs => cfg.rate_window_seconds) - pg_catalog.now()))::integer);
    -- A client already over its limit is turned away before any work (a read, no lock);
    -- the exact count is taken at the end.
    IF v_client_ip IS NOT NULL AND cfg.rate_limit_ip_calls IS NOT NULL
       AND (SELECT pg_catalog.sum(r.hits) FROM analytics.rate_limit_counters AS r
            WHERE r.key = 'ip:' || v_client_ip AND r.window_start = v_rate_window) >= cfg.rate_limit_ip_calls THEN
      PERFORM analytics.raise_rate_limited('ip:' || v_client_ip, v_retry_after);
    END IF;
  END IF;

  -- Card registry (optional): the payload's userCodes nobody registered. Looked up
  -- here, once per code, so the main statement does not touch the registry at all
  -- when the check is off (the default).
  IF cfg.require_registered_user_code THEN
    SELECT pg_catalog.array_agg(DISTINCT k.code) INTO v_unknown_codes
    FROM (SELECT e -> 'data' ->> 'userCode' AS code FROM pg_catalog.jsonb_array_elements(events) AS e) AS k
    WHERE k.code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM public.user_code_ownership AS o WHERE o.user_code = k.code);
  END IF;

  -- Fast path first: a fresh batch (all but retries) is stored with plain inserts, which
  -- the dedupe indexes check anyway; ON CONFLICT would add a probe of the index and a
  -- WAL record per row (what that saves: sql/README.md, "How it works"). An
  -- event already stored (a retried batch) or repeated in the payload makes an insert
  -- raise unique_violation: that attempt is rolled back (the block's subtransaction),
  -- those events are skipped as duplicates, and the batch is stored again.
  <<store>>
  LOOP
    BEGIN
      -- The batch's own rows in one statement: each step a CTE that reads the step before,
      -- so the batch is parsed once and no intermediate result is copied into arrays.
      -- Order of work (and so of row locks, identical in every backend): raw rows in
      -- event_id order, marks in key order, rollup rows in key order (sharded by
      -- backend); the rows every batch of a card or session shares come in the next
      -- statement.
      WITH checked AS MATERIALIZED (
        -- Validate every event in one pass; each field is extracted once per event (OFFSET 0
        -- keeps the subqueries from being inlined into every reference). The fast path is one
        -- boolean per event: every field's JSON type, then the value checks on the extracted
        -- text. Only events that fail it go to analytics.event_rejection, which names the
        -- first failing check (the fast path is never looser than it).
        SELECT (t.o - 1)::integer AS idx, f.*,
          CASE
            WHEN (pg_catalog.jsonb_typeof(t.e) = 'object' AND pg_catalog.jsonb_typeof(t.e -> 'type') = 'string'
                  AND pg_catalog.jsonb_typeof(x.d) = 'object'
                  AND pg_catalog.jsonb_typeof(x.d -> 'sessionId') = 'string'
                  AND pg_catalog.jsonb_typeof(x.d -> 'userCode') = 'string'
                  AND pg_catalog.jsonb_typeof(coalesce(x.d -> 'timestamp', t.e -> 'timestamp')) = 'number'
                  AND coalesce(pg_catalog.jsonb_typeof(x.d -> 'shareCode'), 'null') IN ('string', 'null')
                  AND coalesce(pg_catalog.jsonb_typeof(x.d -> 'contactId'), 'null') IN ('string', 'null')
                  AND coalesce(pg_catalog.jsonb_typeof(x.d -> 'eventId'), 'null') IN ('string', 'null')
                  AND coalesce(pg_catalog.jsonb_typeof(x.d -> 'userAgent'), 'null') IN ('string', 'null')
                  AND coalesce(pg_catalog.jsonb_typeof(x.d -> 'referrer'), 'null') IN ('string', 'null')
                  AND (f.kind <> 'page_view' OR pg_catalog.jsonb_typeof(x.d -> 'pageType') = 'string')
                  AND (f.kind <> 'click' OR (pg_catalog.jsonb_typeof(x.d -> 'clickTarget') = 'string'
                       AND coalesce(pg_catalog.jsonb_typeof(x.d -> 'clickCategory'), 'null') IN ('string', 'null'))))
                 IS NOT TRUE
              THEN analytics.event_rejection(t.e, lo_ms, hi_ms, cfg)
            WHEN f.kind IN ('session', 'page_view', 'click')
             AND f.session_id <> '' AND pg_catalog.length(f.session_id) <= cfg.max_id_length
             AND f.user_code <> '' AND pg_catalog.length(f.user_code) <= cfg.max_code_length
             AND coalesce(pg_catalog.length(f.share_code) <= cfg.max_code_length, true)
             AND coalesce(pg_catalog.length(f.contact_id) <= cfg.max_id_length, true)
             AND (f.event_id IS NULL OR analytics.is_canonical_uuid(f.event_id))
             AND f.ts::numeric BETWEEN lo_ms AND hi_ms
             AND coalesce(pg_catalog.length(f.user_agent) <= cfg.max_text_length, true)
             AND coalesce(pg_catalog.length(f.referrer) <= cfg.max_text_length, true)
             AND (f.kind <> 'page_view' OR (f.page_type <> '' AND pg_catalog.length(f.page_type) <= cfg.max_code_length))
             AND (f.kind <> 'click' OR (f.click_target <> '' AND pg_catalog.length(f.click_target) <= cfg.max_target_length
                                       AND coalesce(pg_catalog.length(f.click_category) <= cfg.max_code_length, true)))
             AND (v_unknown_codes IS NULL OR f.user_code <> ALL (v_unknown_codes))
              THEN NULL
            ELSE analytics.event_rejection(t.e, lo_ms, hi_ms, cfg)
          END AS reason
        FROM pg_catalog.jsonb_array_elements(events) WITH ORDINALITY AS t(e, o)
        CROSS JOIN LATERAL (SELECT t.e -> 'data' AS d OFFSET 0) AS x
        CROSS JOIN LATERAL (SELECT
               t.e ->> 'type' AS kind,
               coalesce(x.d ->> 'timestamp', t.e ->> 'timestamp') AS ts,
               x.d ->> 'sessionId' AS session_id, x.d ->> 'userCode' AS user_code,
               x.d ->> 'shareCode' AS share_code, x.d ->> 'contactId' AS contact_id, x.d ->> 'eventId' AS event_id,
               x.d ->> 'userAgent' AS user_agent, x.d ->> 'referrer' AS referrer, x.d ->> 'pageType' AS page_type,
               x.d ->> 'clickTarget' AS click_target, x.d ->> 'clickCategory' AS click_category
          OFFSET 0) AS f
      ), valid AS NOT MATERIALIZED (
        -- The events to store, their fields converted as stored. Inlined into each raw
        -- insert (each reads only its kind, so every event is converted once): a
        -- materialised copy in between cost ~3 % at 500 events (bench/sql/instructions.sh).
        -- Events without an eventId get a random one in the insert: a volatile function
        -- here would force the copy.
        SELECT c.kind, c.event_id::uuid AS event_id, c.session_id, c.user_code, c.share_code,
               nullif(c.contact_id, '') AS contact_id, pg_catalog.to_timestamp(c.ts::numeric / 1000) AS occurred_at,
               c.page_type, c.click_target,
               CASE WHEN c.kind = 'click'
                    THEN coalesce(nullif(c.click_category, ''), analytics.default_click_category(c.click_target)) END
                 AS click_category,
               c.user_agent, c.referrer
        FROM checked AS c
        WHERE c.reason IS NULL AND (v_skip IS NULL OR c.idx <> ALL (v_skip))
      ), ins_s AS (
        -- Raw inserts, each in event_id order; only rows really inserted ("fresh", from
        -- RETURNING) drive the counters and rollups. Plain inserts: an event already stored
        -- makes its unique dedupe index raise, handled below.
        INSERT INTO analytics.session_events AS t (event_id, session_id, user_code, share_code, contact_id,
                                                   started_at, user_agent, referrer)
        SELECT coalesce(v.event_id, pg_catalog.gen_random_uuid()), v.session_id, v.user_code, v.share_code, v.contact_id, v.occurred_at,
               v.user_agent, v.referrer
        FROM valid AS v WHERE v.kind = 'session'
        ORDER BY 1
        RETURNING 'session'::text AS kind, t.event_id, t.session_id, t.user_code, t.share_code, t.contact_id,
                  t.started_at AS occurred_at, NULL::text AS page_type, NULL::text AS click_target,
                  NULL::text AS click_category, t.user_agent, t.referrer
      ), ins_p AS (
        INSERT INTO analytics.page_views AS t (event_id, session_id, user_code, share_code, contact_id, page_type, viewed_at)
        SELECT coalesce(v.event_id, pg_catalog.gen_random_uuid()), v.session_id, v.user_code, v.share_code, v.contact_id, v.page_type,
               v.occurred_at
        FROM valid AS v WHERE v.kind = 'page_view'
        ORDER BY 1
        RETURNING 'page_view'::text AS kind, t.event_id, t.session_id, t.user_code, t.share_code, t.contact_id,
                  t.viewed_at AS occurred_at, t.page_type, NULL::text AS click_target, NULL::text AS click_category,
                  NULL::text AS user_agent, NULL::text AS referrer
      ), ins_c AS (
        INSERT INTO analytics.clicks AS t (event_id, session_id, user_code, share_code, contact_id,
                                           click_target, click_category, clicked_at)
        SELECT coalesce(v.event_id, pg_catalog.gen_random_uuid()), v.session_id, v.user_code, v.share_code, v.contact_id, v.click_target,
               v.click_category, v.occurred_at
        FROM valid AS v WHERE v.kind = 'click'
        ORDER BY 1
        RETURNING 'click'::text AS kind, t.event_id, t.session_id, t.user_code, t.share_code, t.contact_id,
                  t.clicked_at AS occurred_at, NULL::text AS page_type, t.click_target, t.click_category,
                  NULL::text AS user_agent, NULL::text AS referrer
      ), fresh AS (
        SELECT s.*, (s.occurred_at AT TIME ZONE 'UTC')::date AS day FROM ins_s AS s
        UNION ALL
        SELECT p.*, (p.occurred_at AT TIME ZONE 'UTC')::date FROM ins_p AS p
        UNION ALL
        SELECT k.*, (k.occurred_at AT TIME ZONE 'UTC')::date FROM ins_c AS k
      ), buckets AS MATERIALIZED (
        -- Fresh events per session and rollup bucket: what the marks, every rollup and
        -- the session counters are computed from (a handful of rows, not one per event;
        -- fresh is read once). any_*: the events' own values ('' and NULL kept apart).
        SELECT p.session_id, p.kind, p.day, p.user_code, coalesce(p.share_code, '') AS share_code,
               coalesce(p.contact_id, '') AS contact_id, coalesce(p.page_type, p.click_category, '') AS item,
               coalesce(p.click_target, '') AS target, pg_catalog.count(*) AS n, pg_catalog.min(p.occurred_at) AS first_at,
               pg_catalog.max(p.occurred_at) AS last_at, pg_catalog.max(p.share_code) AS any_share_code,
               pg_catalog.max(p.contact_id) AS any_contact_id, pg_catalog.max(p.user_agent) AS user_agent,
               pg_catalog.max(p.referrer) AS referrer
        FROM fresh AS p
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
      ), wanted_marks AS (
        -- the rollup buckets each session of the batch counts in (see session_bucket_marks)
        SELECT DISTINCT b.session_id, k.kind, b.day, b.user_code, b.share_code, b.contact_id, k.item
        FROM buckets AS b
        CROSS JOIN LATERAL (VALUES ('s'::"char", ''),
                                   (CASE b.kind WHEN 'page_view' THEN 'p'::"char" WHEN 'click' THEN 'c' END, b.item),
                                   (CASE WHEN b.kind = 'click' THEN 't'::"char" END, b.target)) AS k(kind, item)
        WHERE k.kind IS NOT NULL
      ), marks AS (
        -- The rows really inserted are the sessions new in their bucket. A concurrent batch
        -- of the same session that wants the same new mark waits here for this one's commit
        -- and then skips it, so no session counts twice; keys sorted, so no deadlock.
        INSERT INTO analytics.session_bucket_marks AS m (session_id, kind, day, user_code, share_code, contact_id, item)
        SELECT w.session_id, w.kind, w.day, w.user_code, w.share_code, w.contact_id, w.item
        FROM wanted_marks AS w
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ON CONSTRAINT session_bucket_marks_pkey DO NOTHING
        RETURNING m.session_id, m.kind, m.day, m.user_code, m.share_code, m.contact_id, m.item
      ), agg AS (
        -- Session counters, from the buckets. Card attributes: the session event's when the
        -- batch has one (a session keeps them), else any event's.
        SELECT b.session_id,
               coalesce(pg_catalog.max(b.user_code) FILTER (WHERE b.kind = 'session'), pg_catalog.max(b.user_code)) AS user_code,
               coalesce(pg_catalog.max(b.any_share_code) FILTER (WHERE b.kind = 'session'), pg_catalog.max(b.any_share_code))
                 AS share_code,
               coalesce(pg_catalog.max(b.any_contact_id) FILTER (WHERE b.kind = 'session'), pg_catalog.max(b.any_contact_id))
                 AS contact_id,
               pg_catalog.min(b.first_at) AS first_seen,
               pg_catalog.max(b.last_at) AS last_seen,
               coalesce(pg_catalog.sum(b.n) FILTER (WHERE b.kind = 'page_view'), 0)::bigint AS page_views,
               coalesce(pg_catalog.sum(b.n) FILTER (WHERE b.kind = 'click'), 0)::bigint AS clicks,
               coalesce(pg_catalog.sum(b.n) FILTER (WHERE b.kind = 'session'), 0)::bigint AS session_events,
               pg_catalog.max(b.user_agent) AS user_agent,
               pg_catalog.max(b.referrer) AS referrer
        FROM buckets AS b
        GROUP BY b.session_id
      ), target_category AS (
        -- a target mark's unique session goes to the category of that session's first
        -- click on it that day
        SELECT DISTINCT ON (b.session_id, b.target, b.day) b.session_id, b.target, b.day, b.item AS click_category
        FROM buckets AS b WHERE b.kind = 'click'
        ORDER BY b.session_id, b.target, b.day, b.first_at, b.item
      ), up_rollups AS (
        -- Every rollup in one upsert, keys sorted, rows sharded by backend: events per page
        -- type ('p'), click category ('c') and click target ('t', with the category its
        -- clicks carry), and one unique session per mark the batch really inserted (a 't'
        -- mark's session goes to the category of that session's first click on the target).
        INSERT INTO analytics.daily_rollups AS r (user_code, kind, day, share_code, contact_id, item, category, shard,
                                                  events, unique_sessions)
        SELECT x.user_code, x.kind, x.day, x.share_code, x.contact_id, x.item, x.category, v_shard,
               pg_catalog.sum(x.n), pg_catalog.sum(x.u)
        FROM (
          SELECT b.user_code, CASE b.kind WHEN 'page_view' THEN 'p'::"char" ELSE 'c' END AS kind, b.day,
                 b.share_code, b.contact_id, b.item, ''::text AS category, b.n, 0 AS u
          FROM buckets AS b WHERE b.kind IN ('page_view', 'click')
          UNION ALL
          SELECT b.user_code, 't', b.day, b.share_code, b.contact_id, b.target, b.item, b.n, 0
          FROM buckets AS b WHERE b.kind = 'click'
          UNION ALL
          SELECT m.user_code, m.kind, m.day, m.share_code, m.contact_id, m.item, coalesce(tc.click_category, ''), 0, 1
          FROM marks AS m
          LEFT JOIN target_category AS tc
            ON m.kind = 't' AND tc.session_id = m.session_id AND tc.target = m.item AND tc.day = m.day
        ) AS x
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ON CONSTRAINT daily_rollups_pkey DO UPDATE SET
          events = r.events + excluded.events, unique_sessions = r.unique_sessions + excluded.unique_sessions
      ), outcome AS (
        SELECT pg_catalog.count(*) FILTER (WHERE c.reason IS NULL) AS valid,
               coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('index', c.idx, 'reason', c.reason) ORDER BY c.idx)
                          FILTER (WHERE c.reason IS NOT NULL), '[]'::json) AS rejected,
               pg_catalog.min(c.user_code) FILTER (WHERE c.reason IS NULL) AS first_code,
               pg_catalog.max(c.user_code) FILTER (WHERE c.reason IS NULL) AS last_code
        FROM checked AS c
      ), fresh_counts AS (
        -- what the batch really added: the result's counts, and each session's additions
        SELECT coalesce(pg_catalog.sum(a.session_events), 0) AS sessions,
               coalesce(pg_catalog.sum(a.page_views), 0) AS page_views,
               coalesce(pg_catalog.sum(a.clicks), 0) AS clicks,
               pg_catalog.array_agg(ROW(a.session_id, a.user_code, a.share_code, a.contact_id, a.first_seen, a.last_seen,
                                        a.page_views, a.clicks, a.user_agent, a.referrer)::analytics.session_delta
                                    ORDER BY a.session_id) AS deltas
        FROM agg AS a
      ), valid_per_code AS (
        SELECT c.user_code, pg_catalog.count(*) AS n FROM checked AS c WHERE c.reason IS NULL GROUP BY c.user_code
      ), per_code AS (
        -- Valid events per userCode, for that rate limit. A batch of one card (what a page
        -- sends) takes its count from outcome; only a batch of several cards groups its
        -- events again (a sort of every event: ~2 % of a 500-event call).
        SELECT CASE WHEN cfg.rate_limit_user_code_events IS NULL THEN NULL
                    WHEN o.first_code = o.last_code THEN ARRAY[o.first_code]
                    ELSE (SELECT pg_catalog.array_agg(k.user_code ORDER BY k.user_code) FROM valid_per_code AS k) END
                 AS codes,
               CASE WHEN cfg.rate_limit_user_code_events IS NULL THEN NULL
                    WHEN o.first_code = o.last_code THEN ARRAY[o.valid]
                    ELSE (SELECT pg_catalog.array_agg(k.n ORDER BY k.user_code) FROM valid_per_code AS k) END
                 AS counts
        FROM outcome AS o
      )
      SELECT pg_catalog.json_build_object(
        'success', true,
        'processed', n_events,
        'sessions_inserted', fc.sessions,
        'page_views_inserted', fc.page_views,
        'clicks_inserted', fc.clicks,
        'duplicates', o.valid - (fc.sessions + fc.page_views + fc.clicks),
        'rejected', o.rejected),
        pc.codes, pc.counts, fc.deltas
      INTO result, v_codes, v_code_events, v_sessions
      FROM fresh_counts AS fc CROSS JOIN outcome AS o CROSS JOIN per_code AS pc;
      EXIT store;
    EXCEPTION WHEN unique_violation THEN
      GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
      IF v_constraint NOT IN ('session_events_dedupe', 'page_views_dedupe', 'clicks_dedupe') THEN
        RAISE;
      END IF;
      v_skip_before := v_skip;
      v_skip := analytics.stored_or_repeated_events(events, lo_ms, hi_ms, cfg);
      -- An attempt raises only on an event repeated in the payload or stored by a
      -- committed transaction (an uncommitted one is waited for). Under read committed
      -- each new skip list sees that event, so the list grows until an attempt succeeds.
      -- It stops growing only when the stored event stays invisible, as to a
      -- repeatable-read caller racing another delivery of the same events: that caller
      -- gets a retryable 503, and its retry finds them stored.
      IF v_skip IS NOT DISTINCT FROM v_skip_before THEN
        PERFORM analytics.raise_http(503, 'concurrent_delivery',
          'events of this batch are being stored by another request', v_constraint,
          'retry after the Retry-After delay', 1);
      END IF;
    END;
  END LOOP;

  -- Last, the rows other batches share: rate-limit counters (per client IP in calls,
  -- per userCode in valid events) and the session counters. Taken at the end, a batch
  -- holds these row locks only from here to its commit. A limited call raises, which
  -- rolls back everything it stored.
  WITH wanted AS (
    SELECT 'ip:' || v_client_ip AS key, 1::bigint AS cost, cfg.rate_limit_ip_calls::bigint AS lim
    WHERE v_client_ip IS NOT NULL AND cfg.rate_limit_ip_calls IS NOT NULL
    UNION ALL
    SELECT 'code:' || k.code, k.n, cfg.rate_limit_user_code_events::bigint
    FROM ROWS FROM (pg_catalog.unnest(v_codes), pg_catalog.unnest(v_code_events)) AS k(code, n)
  ), bumped AS (
    INSERT INTO analytics.rate_limit_counters AS r (key, window_start, shard, hits)
    SELECT w.key, v_rate_window, v_shard, w.cost FROM wanted AS w
    ORDER BY w.key
    ON CONFLICT ON CONSTRAINT rate_limit_counters_pkey DO UPDATE SET hits = r.hits + excluded.hits
  ), counted AS (
    -- exact counters: additions, never overwrites; rows locked in session_id order
    INSERT INTO analytics.sessions AS s (session_id, user_code, share_code, contact_id, first_seen, last_seen,
                                         page_views, clicks, user_agent, referrer)
    SELECT d.session_id, d.user_code, d.share_code, d.contact_id, d.first_seen, d.last_seen,
           d.page_views, d.clicks, d.user_agent, d.referrer
    FROM pg_catalog.unnest(v_sessions) AS d
    ORDER BY d.session_id
    ON CONFLICT (session_id) DO UPDATE SET
      first_seen = LEAST(s.first_seen, excluded.first_seen),
      last_seen = GREATEST(s.last_seen, excluded.last_seen),
      page_views = s.page_views + excluded.page_views,
      clicks = s.clicks + excluded.clicks,
      user_agent = coalesce(s.user_agent, excluded.user_agent),
      referrer = coalesce(s.referrer, excluded.referrer),
      updated_at = pg_catalog.now()
  )
  -- the sums are read from the statement's snapshot: every shard's count before this call
  SELECT w.key INTO limited_key
  FROM wanted AS w
  WHERE coalesce((SELECT pg_catalog.sum(r.hits) FROM analytics.rate_limit_counters AS r
                  WHERE r.key = w.key AND r.window_start = v_rate_window), 0) + w.cost > w.lim
  ORDER BY w.key LIMIT 1;
  IF limited_key IS NOT NULL THEN
    PERFORM analytics.raise_rate_limited(limited_key, v_retry_after);
  END IF;

  RETURN result;
END
$$;

REVOKE ALL ON FUNCTION public.ingest_analytics_batch(jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.ingest_analytics_batch(jsonb) TO anon, authenticated;
COMMENT ON FUNCTION public.ingest_analytics_batch(jsonb) IS
  'Public ingest endpoint (anon, authenticated via Supabase RPC). SECURITY DEFINER with empty search_path; validates, bounds, rate limits, dedupes by eventId; see sql/README.md.';

REVOKE ALL ON FUNCTION analytics.default_click_category(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION analytics.is_canonical_uuid(text) FROM PUBLIC;
