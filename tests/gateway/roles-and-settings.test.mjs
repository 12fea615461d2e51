// The JWT picks the database role for one transaction, and the request is
// visible to SQL through the settings PostgREST sets (request.jwt.claims,
// request.headers, request.method, request.path). Also the argument and
// result shapes of PostgREST's RPC.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureGateway, rpc } from './support.mjs';

let ctx;
let gw;
before(async () => {
  // one pooled connection: every request reuses it, so leaks between requests would show
  ctx = await fixtureGateway({ poolSize: 1 });
  gw = ctx.gw;
});
after(() => ctx?.close());

test('no Authorization: anon, claims {"role":"anon"}', async () => {
  const r = await rpc(gw, 'gw_whoami', {});
  assert.equal(r.status, 200);
  assert.equal(r.json.current_user, 'anon');
  assert.deepEqual(r.json.claims, { role: 'anon' });
  assert.equal(r.json.sub, null);
});

test('the anon key as bearer (what supabase-js sends signed out): anon with the key\'s claims', async () => {
  const r = await rpc(gw, 'gw_whoami', {}, { token: gw.anonKey });
  assert.equal(r.json.current_user, 'anon');
  assert.equal(r.json.claims.role, 'anon');
  assert.equal(r.json.claims.iss, 'supabase-demo');
});

test('a user JWT: authenticated, claims with sub as auth.uid() reads them', async () => {
  const sub = crypto.randomUUID();
  const token = await gw.signToken({ role: 'authenticated', sub, email: 'owner@example.com' });
  const r = await rpc(gw, 'gw_whoami', {}, { token });
  assert.equal(r.json.current_user, 'authenticated');
  assert.equal(r.json.sub, sub);
  assert.equal(r.json.claims.email, 'owner@example.com');
  assert.equal(r.json.claims.role, 'authenticated');
  // and the next anonymous request on the same connection is anon again
  const next = await rpc(gw, 'gw_whoami', {});
  assert.equal(next.json.current_user, 'anon');
  assert.deepEqual(next.json.claims, { role: 'anon' });
});

test('the service key: service_role', async () => {
  const r = await rpc(gw, 'gw_service_only', {}, { apikey: gw.serviceKey, token: gw.serviceKey });
  assert.equal(r.status, 200);
});

test('a JWT without a role claim runs as anon', async () => {
  const r = await rpc(gw, 'gw_whoami', {}, { token: await gw.signToken({ sub: crypto.randomUUID() }) });
  assert.equal(r.json.current_user, 'anon');
  assert.equal(r.json.claims.role, 'anon');
});

test('request.headers: lower-cased names, X-Forwarded-For with the peer appended; method and path', async () => {
  const r = await rpc(gw, 'gw_whoami', {}, {
    headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Client-Info': 'supabase-js-node/2.x', Cookie: 'a=1; b=two' },
  });
  const h = r.json.headers;
  assert.equal(h['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
  assert.equal(h['x-forwarded-for'].split(',')[0].trim(), '203.0.113.7'); // what the documented rate-limit pattern reads
  assert.equal(h['x-client-info'], 'supabase-js-node/2.x');
  assert.equal(h.apikey, gw.anonKey);
  assert.ok(Object.keys(h).every((k) => k === k.toLowerCase()));
  assert.equal(h.cookie, undefined);
  assert.deepEqual(r.json.cookies, { a: '1', b: 'two' });
  assert.equal(r.json.method, 'POST');
  assert.equal(r.json.path, '/rpc/gw_whoami');
  assert.equal(r.json.search_path, '"public", "extensions"');
  const direct = await rpc(gw, 'gw_whoami', {});
  assert.equal(direct.json.headers['x-forwarded-for'], '127.0.0.1');
});

test('settings are transaction-local: nothing is left on the connection afterwards', async () => {
  await rpc(gw, 'gw_whoami', {}, { token: await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID() }) });
  // the gateway's own superuser query runs on the same single pooled connection
  const [row] = await gw.query(`select current_user as u, nullif(current_setting('request.jwt.claims', true), '') as c,
    nullif(current_setting('request.headers', true), '') as h`);
  assert.deepEqual(row, { u: 'postgres', c: null, h: null });
});

test('ALTER ROLE ... SET settings apply to the switched role, as PostgREST applies them', async () => {
  await ctx.sql(`alter role authenticated in database ${JSON.stringify(new URL(ctx.dbUrl).pathname.slice(1))} set statement_timeout = '1234ms'`);
  gw.reloadSchemaCache();
  const token = await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID() });
  const fn = `create or replace function public.gw_timeout() returns text language sql as $$ select current_setting('statement_timeout') $$;
    revoke execute on function public.gw_timeout() from public, anon; grant execute on function public.gw_timeout() to authenticated;`;
  await ctx.sql(fn);
  const r = await rpc(gw, 'gw_timeout', {}, { token });
  assert.equal(r.status, 200);
  assert.equal(r.json, '1234ms');
});

test('arguments: typed named args with defaults; one unnamed jsonb param takes the whole body', async () => {
  assert.equal((await rpc(gw, 'gw_add', { a: 1 })).json, 11);
  assert.equal((await rpc(gw, 'gw_add', { a: 1, b: 2 })).json, 3);
  assert.equal((await rpc(gw, 'gw_add', { a: '4', b: 2 })).json, 6); // JSON string to integer, as json_to_record does
  const events = [{ type: 'session', data: { sessionId: 's1' } }];
  assert.deepEqual((await rpc(gw, 'gw_echo', { events })).json, events);
  assert.deepEqual((await rpc(gw, 'gw_whole', { anything: [1, 2] })).json, { got: { anything: [1, 2] } });
  assert.deepEqual((await rpc(gw, 'gw_whole', [1, 2])).json, { got: [1, 2] });
  assert.equal((await rpc(gw, 'gw_add', undefined, { rawBody: '' })).status, 404); // empty body = no args; a is required
});

test('results: scalar json as that value, SETOF as an array, TABLE as objects, void as null', async () => {
  assert.deepEqual((await rpc(gw, 'gw_echo', { events: null })).json, null);
  assert.deepEqual((await rpc(gw, 'gw_echo', { events: 'text' })).json, 'text');
  assert.deepEqual((await rpc(gw, 'gw_series', { n: 3 })).json, [1, 2, 3]);
  assert.deepEqual((await rpc(gw, 'gw_series', { n: 0 })).json, []);
  assert.deepEqual((await rpc(gw, 'gw_table', { n: 2 })).json, [{ i: 1, label: 'row 1' }, { i: 2, label: 'row 2' }]);
  const v = await rpc(gw, 'gw_void', {});
  assert.equal(v.status, 200);
  assert.equal(v.text, 'null');
});

test('a function created after start is found without a restart', async () => {
  await ctx.sql(`create function public.gw_late() returns int language sql as $$ select 42 $$;
    grant execute on function public.gw_late() to anon`);
  assert.equal((await rpc(gw, 'gw_late', {})).json, 42);
});

test('a function whose parameters changed after start is called with the new ones', async () => {
  await ctx.sql(`create function public.gw_changing(a int) returns int language sql as $$ select a $$;
    grant execute on function public.gw_changing(int) to anon`);
  assert.equal((await rpc(gw, 'gw_changing', { a: 1 })).json, 1);
  await ctx.sql(`drop function public.gw_changing(int);
    create function public.gw_changing(x int, y int) returns int language sql as $$ select x * y $$;
    grant execute on function public.gw_changing(int, int) to anon`);
  assert.equal((await rpc(gw, 'gw_changing', { x: 6, y: 7 })).json, 42);
  assert.equal((await rpc(gw, 'gw_changing', { a: 1 })).status, 404);
});

test('numbers reach PostgreSQL as sent (no float rounding in the gateway)', async () => {
  const big = '123456789012345678901234567890.000000001';
  const r = await rpc(gw, 'gw_echo', undefined, { rawBody: `{"events": ${big}}` });
  assert.equal(r.status, 200);
  assert.equal(r.text, big);
});

test('OPTIONS on a function without CORS preflight headers answers with the allowed methods', async () => {
  const res = await fetch(`${gw.url}/rest/v1/rpc/gw_add`, { method: 'OPTIONS', headers: { apikey: gw.anonKey } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('allow'), 'OPTIONS,GET,HEAD,POST');
});
