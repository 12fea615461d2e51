-- Ownership: only a signed-in owner of a userCode (public.user_code_ownership) reads its
-- dashboard. anon cannot call the function at all (42501 -> HTTP 401); a signed-in
-- non-owner, a missing/empty claim or a service call without a user get 42501 (-> 403).
-- Bad filters are a 22023 (-> 400).
BEGIN;
SELECT plan(10);

INSERT INTO public.user_code_ownership (user_id, user_code) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'alice_card'),
  ('00000000-0000-0000-0000-0000000000b2', 'bob_card');

SELECT test_support.as_anon();
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{}')$$) ->> 'sqlstate', '42501',
  'anon cannot call the dashboard');
RESET ROLE;

SELECT test_support.as_user('00000000-0000-0000-0000-0000000000a1');
SELECT is(get_analytics_dashboard('alice_card', '{}') ->> 'userCode', 'alice_card', 'the owner reads their dashboard');
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('bob_card', '{}')$$) ->> 'sqlstate', '42501',
  'an owner of another code is refused');
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('nobody_card', '{}')$$) ->> 'sqlstate', '42501',
  'an unknown code is refused the same way (no existence oracle)');
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{"from":"2026-13-40"}')$$) ->> 'sqlstate', '22023',
  'a malformed date filter is 22023');
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{"from":"2020-01-01","to":"2026-01-01"}')$$) ->> 'sqlstate', '22023',
  'a range over the limit is 22023');
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{"shareCode": 5}')$$) ->> 'sqlstate', '22023',
  'a non-string shareCode filter is 22023');
RESET ROLE;

-- Signed in, but the claims carry no subject (or are empty, as after a PostgREST transaction).
SELECT set_config('request.jwt.claims', '', true), set_config('role', 'authenticated', true);
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{}')$$) ->> 'sqlstate', '42501',
  'empty claims are refused');
RESET ROLE;
SELECT set_config('request.jwt.claims', '{"role":"authenticated"}', true), set_config('role', 'authenticated', true);
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{}')$$) ->> 'sqlstate', '42501',
  'claims without sub are refused');
RESET ROLE;
SELECT set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);
SELECT is(test_support.error_of($$SELECT get_analytics_dashboard('alice_card', '{}')$$) ->> 'sqlstate', '42501',
  'service_role has no EXECUTE on the dashboard (it reads the tables directly)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
