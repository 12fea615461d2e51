-- Test helpers, installed once per throwaway cluster by tests/sql/run.sh (never in
-- production). Executable by the API roles so tests can run as anon/authenticated.
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS plpgsql_check;
CREATE SCHEMA IF NOT EXISTS test_support;
GRANT USAGE ON SCHEMA test_support TO anon, authenticated, service_role;

-- The server clock in epoch milliseconds (transaction start, like the ingest window).
CREATE OR REPLACE FUNCTION test_support.now_ms() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;

-- One event in the client's wire format. data overrides/extends the defaults.
CREATE OR REPLACE FUNCTION test_support.ev(kind text, session_id text, data jsonb DEFAULT '{}', offset_ms bigint DEFAULT 0)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('type', kind, 'timestamp', test_support.now_ms() + offset_ms,
    'data', jsonb_build_object('sessionId', session_id, 'userCode', 'card1', 'shareCode', 'public',
                               'timestamp', test_support.now_ms() + offset_ms)
            || CASE kind WHEN 'page_view' THEN '{"pageType":"home"}'::jsonb
                         WHEN 'click' THEN '{"clickTarget":"contact.phone","clickCategory":"contact"}'::jsonb
                         ELSE '{"userAgent":"pgTAP","referrer":"https://example.com"}'::jsonb END
            || data)
$$;

-- Become an API role for the rest of the transaction, as PostgREST does.
CREATE OR REPLACE FUNCTION test_support.as_anon(ip text DEFAULT '198.51.100.1') RETURNS void
LANGUAGE sql AS $$
  SELECT set_config('request.jwt.claims', '{"role":"anon"}', true),
         set_config('request.headers', json_build_object('x-forwarded-for', ip)::text, true),
         set_config('role', 'anon', true);
$$;
CREATE OR REPLACE FUNCTION test_support.as_user(uid uuid) RETURNS void
LANGUAGE sql AS $$
  SELECT set_config('request.jwt.claims', json_build_object('role', 'authenticated', 'sub', uid)::text, true),
         set_config('request.headers', '{"x-forwarded-for":"198.51.100.2"}', true),
         set_config('role', 'authenticated', true);
$$;

-- Runs a statement and returns how it failed: {sqlstate, message, detail} (NULL if it did not).
CREATE OR REPLACE FUNCTION test_support.error_of(stmt text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
  EXECUTE stmt;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN jsonb_build_object('sqlstate', st, 'message', msg, 'detail', det);
END $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA test_support TO anon, authenticated, service_role;
