-- A database created when the default window was 7 days back is moved to the new
-- 5-year default by re-applying the migrations, exactly once: a value the operator
-- sets afterwards (even 7 days) survives every later re-apply.
BEGIN;
SELECT plan(3);
SET LOCAL client_min_messages = warning;

-- The state an older 0001 left behind: the row at the old default, no upgrade mark.
UPDATE analytics.settings SET max_event_age = interval '7 days';
COMMENT ON COLUMN analytics.settings.max_event_age IS NULL;

\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT is((SELECT max_event_age FROM analytics.settings), interval '5 years', 'the old 7-day default becomes 5 years');

UPDATE analytics.settings SET max_event_age = interval '7 days';
\ir ../../sql/migrations/0001_analytics_schema.sql
SELECT is((SELECT max_event_age FROM analytics.settings), interval '7 days', 'a value set after the upgrade survives a re-apply');
SELECT is((SELECT max_clock_skew FROM analytics.settings), interval '1 hour', 'the future bound is untouched');

SELECT * FROM finish();
ROLLBACK;
