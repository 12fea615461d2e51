-- The ingest validates in two tiers: a fast path for events that look valid, and
-- analytics.event_rejection (the authoritative checks, which name the reason) for the
-- rest. This pins that the tiers agree: over every field of every event type, set to
-- every JSON type and to edge values (or removed), an event is stored exactly when
-- event_rejection finds nothing wrong with it, and a rejected one gets its reason.
BEGIN;
SELECT plan(4);

CREATE TEMP TABLE mutants (idx serial, event jsonb);
INSERT INTO mutants (event)
SELECT CASE WHEN v.val IS NULL THEN base.e #- f.path ELSE jsonb_set(base.e, f.path, v.val) END
FROM (VALUES (test_support.ev('session', 'm_s')), (test_support.ev('page_view', 'm_p')),
             (test_support.ev('click', 'm_c'))) AS base(e)
CROSS JOIN (VALUES ('{type}'::text[]), ('{data}'), ('{timestamp}'), ('{data,timestamp}'), ('{data,sessionId}'),
                   ('{data,userCode}'), ('{data,shareCode}'), ('{data,contactId}'), ('{data,eventId}'),
                   ('{data,pageType}'), ('{data,clickTarget}'), ('{data,clickCategory}'), ('{data,userAgent}'),
                   ('{data,referrer}')) AS f(path)
CROSS JOIN (VALUES (NULL::jsonb),                  -- the field removed
                   ('null'), ('""'), ('"x"'), ('5'), ('1.5'), ('true'), ('[]'), ('["x"]'), ('{}'), ('{"a": 1}'),
                   ('"page_view"'), ('"click"'), ('"session"'),
                   ('"01900000-0000-7000-8000-00000000abcd"'), ('"01900000-0000-7000-8000-00000000ABCD"'),
                   ('"0190000-00000-7000-8000-00000000abcd"'), ('"01900000-0000-7000-8000-00000000abc-"'),
                   ('"01900000-0000-7000-8000-00000000abcg"'), ('"{01900000-0000-7000-8000-00000000abcd}"'),
                   ('"01900000000070008000000000000abcd"'), ('"01900000-0000-7000-8000-00000000abcdé"'),
                   (to_jsonb(repeat('y', 129))), (to_jsonb(repeat('é', 64))), (to_jsonb(repeat('é', 65))),
                   (to_jsonb(test_support.now_ms())), (to_jsonb(test_support.now_ms() + 7200000)),
                   (to_jsonb(test_support.now_ms()::text))) AS v(val);

SELECT cmp_ok((SELECT count(*) FROM mutants), '>', 1000::bigint, 'over a thousand mutated events');

-- What the authoritative checks say of each (with the live settings and window).
CREATE TEMP TABLE verdicts AS
SELECT m.idx, m.event,
       analytics.event_rejection(m.event,
         date_part('epoch', now() - s.max_event_age)::numeric * 1000,
         date_part('epoch', now() + s.max_clock_skew)::numeric * 1000, s) AS reason
FROM mutants AS m CROSS JOIN analytics.settings AS s;
SELECT cmp_ok((SELECT count(*) FROM verdicts WHERE reason IS NULL), '>', 100::bigint,
  'and many of them valid (the comparison is not one-sided)');

-- Each sent alone, as anon (a repeated eventId is a duplicate, not a rejection); the
-- rate limits are lifted for these thousand calls (rolled back with the test).
UPDATE analytics.settings SET rate_limit_ip_calls = NULL, rate_limit_user_code_events = NULL;
CREATE TEMP TABLE answers (idx int, answer jsonb);
GRANT ALL ON answers, verdicts TO anon;
SELECT test_support.as_anon();
INSERT INTO answers
SELECT v.idx, ingest_analytics_batch(jsonb_build_array(v.event))::jsonb FROM verdicts AS v;
RESET ROLE;

SELECT is((SELECT array_agg(v.idx ORDER BY v.idx) FROM verdicts AS v JOIN answers AS a USING (idx)
           WHERE (v.reason IS NULL) <> (a.answer -> 'rejected' = '[]'::jsonb)), NULL,
  'an event is stored exactly when event_rejection accepts it');
SELECT is((SELECT array_agg(v.idx ORDER BY v.idx) FROM verdicts AS v JOIN answers AS a USING (idx)
           WHERE v.reason IS NOT NULL AND a.answer -> 'rejected' -> 0 ->> 'reason' IS DISTINCT FROM v.reason), NULL,
  'a rejected event carries event_rejection''s reason');

SELECT * FROM finish();
ROLLBACK;
