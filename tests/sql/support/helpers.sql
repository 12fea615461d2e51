-- Test helpers, installed once per throwaway cluster by tests/sql/run.sh (never in
-- production). Executable by the API roles so tests can run as anon/authenticated.
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS plpgsql_check;
CREATE SCHEMA IF NOT EXISTS test_support;
GRANT USAGE ON SCHEMA test_support TO anon, authenticated, service_role;

-- The server clock in epoch milliseconds (transaction start, like the ingest window).
CREATE OR REPLACE FUNCTION test_support.now_ms() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;

-- How many milliseconds back `now() - i` is (calendar-aware: '5 years' spans leap days).
CREATE OR REPLACE FUNCTION test_support.interval_ms(i interval) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (extract(epoch FROM now() - (now() - i)) * 1000)::bigint $$;

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

-- One statement per verb against a table or view: what an API role must not be able to do.
CREATE OR REPLACE FUNCTION test_support.crud_statements(rel regclass) RETURNS TABLE (verb text, stmt text)
LANGUAGE sql STABLE AS $$
  SELECT v.verb, CASE v.verb
    WHEN 'select' THEN format('SELECT * FROM %s', rel)
    WHEN 'insert' THEN format('INSERT INTO %s DEFAULT VALUES', rel)
    WHEN 'update' THEN format('UPDATE %1$s SET %2$I = %2$I', rel,
                              (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = rel AND a.attnum = 1))
    ELSE format('DELETE FROM %s', rel) END
  FROM unnest(ARRAY['select', 'insert', 'update', 'delete']) AS v(verb)
$$;

-- error_of(stmt) run as an API role (the role only; claims are not set), then back to
-- the session's own role: {sqlstate, message, detail} or NULL.
CREATE OR REPLACE FUNCTION test_support.error_as(role_name text, stmt text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE e jsonb;
BEGIN
  PERFORM set_config('role', role_name, true);
  e := test_support.error_of(stmt);
  PERFORM set_config('role', session_user, true);
  RETURN e;
END $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA test_support TO anon, authenticated, service_role;
