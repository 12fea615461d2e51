-- plpgsql_check reports no errors (and no warnings) on any PL/pgSQL function of ours,
-- including the SQL embedded in them (checked against the real tables and types).
BEGIN;
SELECT plan(4);

CREATE TEMP TABLE checked AS
SELECT p.oid::regprocedure::text AS fn, c.level, c.message, c.lineno
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid, fatal_errors => false, extra_warnings => false) c
WHERE p.pronamespace IN ('public'::regnamespace, 'analytics'::regnamespace, 'auth'::regnamespace)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');  -- not pgTAP's

-- The checker itself works: a function with a wrong column name is reported.
CREATE FUNCTION analytics.deliberately_broken() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT count(no_such_column) FROM analytics.page_views); END $$;
SELECT is((SELECT count(*) FROM plpgsql_check_function_tb('analytics.deliberately_broken()'::regprocedure) WHERE level = 'error'),
  1::bigint, 'sanity: plpgsql_check reports an error in a deliberately broken function');
DROP FUNCTION analytics.deliberately_broken();

SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
           WHERE p.oid IN ('public.ingest_analytics_batch(jsonb)'::regprocedure, 'public.get_analytics_dashboard(text, jsonb)'::regprocedure,
                           'analytics.raise_http(integer, text, text, text, text, integer)'::regprocedure,
                           'analytics.raise_rate_limited(text, integer)'::regprocedure)), 4::bigint,
  'the four PL/pgSQL functions exist and are in the checked set');
SELECT is((SELECT array_agg(fn || ':' || lineno || ' ' || message) FROM checked WHERE level = 'error'), NULL,
  'plpgsql_check finds no errors');
SELECT is((SELECT array_agg(fn || ':' || lineno || ' ' || message) FROM checked WHERE level LIKE 'warning%'), NULL,
  'plpgsql_check finds no warnings');

SELECT * FROM finish();
ROLLBACK;
