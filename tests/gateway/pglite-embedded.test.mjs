// The default, no-install mode: the gateway embeds PGlite (PostgreSQL in
// WASM), applies sql/compat and sql/migrations at start and serves RPC.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startGateway } from '../../dev/gateway/gateway.mjs';

let gw;
before(async () => {
  gw = await startGateway({ port: 0 });
});
after(() => gw?.close());

const client = (token) => createClient(gw.url, gw.anonKey, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: WebSocket },
  global: { headers: token ? { Authorization: `Bearer ${token}` } : {} },
});

test('embedded by default, on loopback, with the migrations applied', async () => {
  assert.equal(gw.databaseKind, 'pglite');
  assert.match(gw.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const applied = await gw.query('select file from dev_gateway.applied_sql order by file');
  const files = applied.map((r) => r.file);
  assert.ok(files.some((f) => f.startsWith('sql/compat/')), files.join());
  assert.ok(files.some((f) => f.startsWith('sql/migrations/')), files.join());
  const [{ n }] = await gw.query("select count(*)::int as n from pg_proc where proname = 'ingest_analytics_batch'");
  assert.equal(n, 1);
});

test('supabase-js rpc ingest as anon stores events; the owner reads them back', async () => {
  const userCode = 'pglite_card';
  const sessionId = `session_${Date.now()}_pglite`;
  const t = Date.now() - 1000;
  const events = [
    { type: 'session', data: { sessionId, userCode, shareCode: 'public', eventId: crypto.randomUUID(), timestamp: t }, timestamp: t },
    { type: 'page_view', data: { sessionId, userCode, shareCode: 'public', eventId: crypto.randomUUID(), pageType: 'home', timestamp: t + 1 }, timestamp: t + 1 },
    { type: 'click', data: { sessionId, userCode, shareCode: 'public', eventId: crypto.randomUUID(), clickTarget: 'socialChannels.linkedin', clickCategory: 'social', timestamp: t + 2 }, timestamp: t + 2 },
  ];
  const { data, error } = await client().rpc('ingest_analytics_batch', { events });
  assert.equal(error, null);
  assert.equal(data.success, true);
  assert.equal(data.clicks_inserted, 1);
  const rows = await gw.query('select page_views, clicks from analytics.sessions where session_id = $1', [sessionId]);
  assert.equal(rows.length, 1);
  assert.equal(Number(rows[0].page_views), 1);
  assert.equal(Number(rows[0].clicks), 1);

  const owner = crypto.randomUUID();
  await gw.query('insert into public.user_code_ownership (user_id, user_code) values ($1, $2)', [owner, userCode]);
  const token = await gw.signToken({ role: 'authenticated', sub: owner });
  const dash = await client(token).rpc('get_analytics_dashboard', { user_code: userCode });
  assert.equal(dash.error, null);
  assert.deepEqual(dash.data.totals, { sessions: 1, pageViews: 1, clicks: 1 });
  const denied = await client(await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID() }))
    .rpc('get_analytics_dashboard', { user_code: userCode });
  assert.equal(denied.status, 403);
});

test('concurrent requests on the single embedded connection are serialised, all answered', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client().rpc('ingest_analytics_batch', {
    events: [{ type: 'page_view', data: { sessionId: `s_conc_${i}`, userCode: 'pglite_card', pageType: 'home', eventId: crypto.randomUUID(), timestamp: Date.now() } }],
  })));
  assert.ok(results.every((r) => r.error === null && r.data.success === true), JSON.stringify(results.find((r) => r.error)));
  const bad = await client().rpc('no_such_function');
  assert.equal(bad.status, 404);
});

test('pause() takes the server down (connection refused) and resume() brings it back with the data', async () => {
  const before = await gw.query('select count(*)::int as n from analytics.page_views');
  await gw.pause();
  await assert.rejects(fetch(`${gw.url}/rest/v1/rpc/ingest_analytics_batch`, { method: 'POST', headers: { apikey: gw.anonKey }, body: '{}' }));
  await gw.resume();
  const { error } = await client().rpc('ingest_analytics_batch', {
    events: [{ type: 'page_view', data: { sessionId: 's_resume', userCode: 'pglite_card', pageType: 'home', eventId: crypto.randomUUID(), timestamp: Date.now() } }],
  });
  assert.equal(error, null);
  const afterRows = await gw.query('select count(*)::int as n from analytics.page_views');
  assert.equal(afterRows[0].n, before[0].n + 1);
});
