-- The analytics schema: settings (every limit in one place), raw event tables,
-- per-session counters, dashboard rollups, rate-limit counters, and the card
-- ownership table the seed names. Safe to re-apply.
--
-- Raw and rollup tables live in schema "analytics", which PostgREST/Supabase does not
-- expose (only "public" is exposed by default). Nobody but the table owner and the
-- SECURITY DEFINER functions in public touches them; RLS is enabled on every one with
-- no policy for anon/authenticated, as a second wall should a grant slip in.

CREATE SCHEMA IF NOT EXISTS analytics;
REVOKE ALL ON SCHEMA analytics FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Settings: the one place for limits and switches. One row (singleton = true).
-- Change a value with UPDATE analytics.settings SET ...; it applies to the next call.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS analytics.settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- whole payload
  max_events_per_call integer NOT NULL DEFAULT 500,
  max_payload_bytes integer NOT NULL DEFAULT 1048576,      -- jsonb size of the events argument
  -- per-field string lengths (characters)
  max_id_length integer NOT NULL DEFAULT 128,               -- sessionId, contactId
  max_code_length integer NOT NULL DEFAULT 64,              -- userCode, shareCode, pageType, clickCategory
  max_target_length integer NOT NULL DEFAULT 512,           -- clickTarget
  max_text_length integer NOT NULL DEFAULT 1024,            -- userAgent, referrer
  -- accepted event time window around the server clock. Back: 5 years, wide on
  -- purpose: the seed design's own test batch (January 2024) must be stored unchanged,
  -- and imports/backfills of old events are legitimate (our client itself drops unsent
  -- events after 6 days). Ahead: 1 hour, tight: tolerates skewed device clocks but
  -- keeps events from the future out of the dashboard.
  max_event_age interval NOT NULL DEFAULT interval '5 years',
  max_clock_skew interval NOT NULL DEFAULT interval '1 hour',
  -- reject events whose userCode has no row in public.user_code_ownership
  require_registered_user_code boolean NOT NULL DEFAULT false,
  -- rate limits over fixed windows; NULL disables that limit
  rate_window_seconds integer NOT NULL DEFAULT 60,
  rate_limit_ip_calls integer DEFAULT 600,                  -- calls per client IP per window
  rate_limit_user_code_events integer DEFAULT 60000,        -- events per userCode per window
  -- rollup rows are spread over this many shards (by backend) so a hot card-day
  -- is never a single hot row shared by all writers
  rollup_shards integer NOT NULL DEFAULT 16 CHECK (rollup_shards BETWEEN 1 AND 1024)
);
INSERT INTO analytics.settings (singleton) VALUES (true) ON CONFLICT (singleton) DO NOTHING;

-- Upgrade of a database created when the default window was 7 days back: move the
-- row from that old default to the new one exactly once (the column comment records
-- it), so a value an operator sets later is never overwritten by a re-apply.
ALTER TABLE analytics.settings ALTER COLUMN max_event_age SET DEFAULT interval '5 years';
DO $$
BEGIN
  IF pg_catalog.col_description('analytics.settings'::regclass,
       (SELECT a.attnum FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = 'analytics.settings'::regclass AND a.attname = 'max_event_age')) IS DISTINCT FROM 'events older than this are rejected' THEN
    UPDATE analytics.settings SET max_event_age = interval '5 years' WHERE max_event_age = interval '7 days';
    COMMENT ON COLUMN analytics.settings.max_event_age IS 'events older than this are rejected';
  END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Raw events. The dedupe key is (event_id, occurred time): it includes the time
-- column so these tables can later be range-partitioned by time (a unique index on
-- a partitioned table must contain the partition key); the client never changes an
-- event's timestamp on retry. Events sent without an eventId get a random one.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS analytics.session_events (
  event_id uuid NOT NULL,
  session_id text NOT NULL,
  user_code text NOT NULL,
  share_code text,
  contact_id text,
  started_at timestamptz NOT NULL,
  user_agent text,
  referrer text,
  received_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT session_events_dedupe UNIQUE (event_id, started_at)
);

CREATE TABLE IF NOT EXISTS analytics.page_views (
  event_id uuid NOT NULL,
  session_id text NOT NULL,
  user_code text NOT NULL,
  share_code text,
  contact_id text,
  page_type text NOT NULL,
  viewed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT page_views_dedupe UNIQUE (event_id, viewed_at)
);

CREATE TABLE IF NOT EXISTS analytics.clicks (
  event_id uuid NOT NULL,
  session_id text NOT NULL,
  user_code text NOT NULL,
  share_code text,
  contact_id text,
  click_target text NOT NULL,
  click_category text NOT NULL,
  clicked_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT clicks_dedupe UNIQUE (event_id, clicked_at)
);

-- One row per visit with exact counters (the seed's analytics_sessions).
CREATE TABLE IF NOT EXISTS analytics.sessions (
  session_id text PRIMARY KEY,
  user_code text NOT NULL,
  share_code text,
  contact_id text,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  page_views bigint NOT NULL DEFAULT 0,
  clicks bigint NOT NULL DEFAULT 0,
  user_agent text,
  referrer text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Which rollup buckets each session already counts in ("unique sessions"): one row
-- per (session, kind, UTC day, card, share code, contact, item), kind 's' any event,
-- 'p' page type, 'c' click category, 't' click target (as in daily_rollups). The ingest
-- inserts the marks its batch wants with ON CONFLICT DO NOTHING: the rows that really
-- got inserted are the sessions new in their bucket. The unique index makes that
-- atomic without locking the session row, so a hot session's row is locked only for
-- its counter update at the very end of a batch.
-- Its keys are compared byte-wise (COLLATE "C"): they are identifiers, never sorted
-- for people, and every batch probes this index.
-- Why one row per item and not one per session-day holding an array of items (which
-- writes ~20 % less WAL for a new session's batch): item names come from the client, so
-- one session can bring hundreds of new items per call, and a growing array is
-- rewritten whole by every call that adds to it, write amplification quadratic in the
-- calls. A row per item costs each new item once.
CREATE TABLE IF NOT EXISTS analytics.session_bucket_marks (
  session_id text COLLATE "C" NOT NULL,
  kind "char" NOT NULL,
  day date NOT NULL,
  user_code text COLLATE "C" NOT NULL,
  share_code text COLLATE "C" NOT NULL,
  contact_id text COLLATE "C" NOT NULL,
  item text COLLATE "C" NOT NULL,
  PRIMARY KEY (session_id, kind, day, user_code, share_code, contact_id, item)
);

-- Upgrade: earlier versions kept the marks in arrays on the session row (sessions.seen,
-- of type analytics.seen_entry; before that text[], before that a session_marks table).
-- Carry them over, then drop what held them.
DO $$
BEGIN
  IF pg_catalog.to_regclass('analytics.session_marks') IS NOT NULL THEN
    DROP TABLE analytics.session_marks;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'sessions'
               AND column_name = 'seen' AND udt_name = '_seen_entry') THEN
    EXECUTE $m$
      INSERT INTO analytics.session_bucket_marks (session_id, kind, day, user_code, share_code, contact_id, item)
      SELECT s.session_id, e.kind, e.day, e.user_code, e.share_code, e.contact_id, e.item
      FROM analytics.sessions AS s CROSS JOIN LATERAL pg_catalog.unnest(s.seen) AS e
      ON CONFLICT DO NOTHING $m$;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'sessions'
               AND column_name IN ('seen', 'new_marks')) THEN
    ALTER TABLE analytics.sessions DROP COLUMN IF EXISTS seen, DROP COLUMN IF EXISTS new_marks;
  END IF;
  IF pg_catalog.to_regtype('analytics.seen_entry') IS NOT NULL THEN
    DROP TYPE analytics.seen_entry;
  END IF;
END
$$;

-- Upgrade: a version of the day kept the marks as one analytics.session_day_marks row per
-- (session, day, card, share code, contact) with an array of items (kind letter + item;
-- see above for why that was undone). Unfold them into rows, then drop that table.
DO $$
BEGIN
  IF pg_catalog.to_regclass('analytics.session_day_marks') IS NOT NULL THEN
    INSERT INTO analytics.session_bucket_marks (session_id, kind, day, user_code, share_code, contact_id, item)
    SELECT d.session_id, pg_catalog.substr(i.item, 1, 1)::"char", d.day, d.user_code, d.share_code, d.contact_id,
           pg_catalog.substr(i.item, 2)
    FROM analytics.session_day_marks AS d CROSS JOIN LATERAL pg_catalog.unnest(d.items) AS i(item)
    ON CONFLICT DO NOTHING;
    DROP TABLE analytics.session_day_marks;
  END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Dashboard rollups, maintained by ingest_analytics_batch in the same transaction,
-- all in one table so that a batch upserts them all with one INSERT (one index to
-- probe, one plan node to start, instead of four of each: most of a small batch's
-- cost is such fixed cost). One row per
-- (card, kind, UTC day, share code, contact, item, category, shard):
--   kind 's'  sessions:        item '',          unique_sessions = distinct sessions with any event
--   kind 'p'  page type:       item page type,   events = page views
--   kind 'c'  click category:  item category,    events = clicks
--   kind 't'  click target:    item target,      category = its click category, events = clicks
-- unique_sessions: distinct sessions in the bucket (see session_bucket_marks). '' in
-- share_code / contact_id means "none". shard spreads one logical row over several
-- physical rows; readers sum over shards. Keys are identifiers, compared byte-wise.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS analytics.daily_rollups (
  user_code text COLLATE "C" NOT NULL,
  kind "char" NOT NULL CHECK (kind IN ('s', 'p', 'c', 't')),
  day date NOT NULL,
  share_code text COLLATE "C" NOT NULL,
  contact_id text COLLATE "C" NOT NULL,
  item text COLLATE "C" NOT NULL,
  category text COLLATE "C" NOT NULL,
  shard smallint NOT NULL,
  events bigint NOT NULL DEFAULT 0,
  unique_sessions bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_code, kind, day, share_code, contact_id, item, category, shard)
);

-- Upgrade: earlier versions kept one table per kind (daily_sessions, daily_page_views,
-- daily_click_categories, daily_click_targets). Carry their rows over (added to any
-- already there), then drop them.
DO $$
DECLARE
  old record;
BEGIN
  FOR old IN SELECT * FROM (VALUES
      -- per old table: its kind, and its columns for item, category, shard, events, unique_sessions
      ('daily_sessions', 's', $q$'', '', shard, 0, sessions$q$),
      ('daily_page_views', 'p', $q$page_type, '', shard, views, unique_sessions$q$),
      ('daily_click_categories', 'c', $q$click_category, '', shard, clicks, unique_sessions$q$),
      ('daily_click_targets', 't', $q$click_target, click_category, shard, clicks, unique_sessions$q$)) AS v(tbl, kind, cols)
  LOOP
    IF pg_catalog.to_regclass('analytics.' || old.tbl) IS NOT NULL THEN
      EXECUTE pg_catalog.format($m$
        INSERT INTO analytics.daily_rollups AS r (user_code, kind, day, share_code, contact_id, item, category, shard,
                                                  events, unique_sessions)
        SELECT user_code, %L, day, share_code, contact_id, %s FROM analytics.%I
        ON CONFLICT ON CONSTRAINT daily_rollups_pkey DO UPDATE SET
          events = r.events + excluded.events, unique_sessions = r.unique_sessions + excluded.unique_sessions $m$,
        old.kind, old.cols, old.tbl);
      EXECUTE pg_catalog.format('DROP TABLE analytics.%I', old.tbl);
    END IF;
  END LOOP;
END
$$;

-- Rate-limit counters per key ('ip:<addr>' or 'code:<userCode>') per fixed window,
-- sharded like the rollups so one hot card does not serialise its writers.
CREATE TABLE IF NOT EXISTS analytics.rate_limit_counters (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  shard smallint NOT NULL,
  hits bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (key, window_start, shard)
);

-- ---------------------------------------------------------------------------
-- Card ownership, as the seed names it: which signed-in user owns which userCode.
-- The app manages it (service role); owners may read their own rows. It also serves
-- as the card registry when settings.require_registered_user_code is on.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.user_code_ownership (
  user_id uuid NOT NULL,
  user_code text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, user_code)
);
CREATE INDEX IF NOT EXISTS user_code_ownership_user_code ON public.user_code_ownership (user_code);

ALTER TABLE public.user_code_ownership ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS owners_read_own_codes ON public.user_code_ownership;
CREATE POLICY owners_read_own_codes ON public.user_code_ownership
  FOR SELECT TO authenticated USING (user_id = auth.uid());
REVOKE ALL ON public.user_code_ownership FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.user_code_ownership TO authenticated;
GRANT ALL ON public.user_code_ownership TO service_role;

-- ---------------------------------------------------------------------------
-- Lock down every analytics table: RLS on (no policies: anon/authenticated get no
-- rows even if a grant slipped in), no privileges for the API roles. service_role
-- (the project's admin key) may read, for back-office exports.
-- ---------------------------------------------------------------------------
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['settings', 'session_events', 'page_views', 'clicks', 'sessions', 'session_bucket_marks',
                           'daily_rollups', 'rate_limit_counters']
  LOOP
    EXECUTE format('ALTER TABLE analytics.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('REVOKE ALL ON analytics.%I FROM PUBLIC, anon, authenticated', t);
    EXECUTE format('GRANT SELECT ON analytics.%I TO service_role', t);
  END LOOP;
END
$$;
REVOKE ALL ON SCHEMA analytics FROM anon, authenticated;
GRANT USAGE ON SCHEMA analytics TO service_role;
