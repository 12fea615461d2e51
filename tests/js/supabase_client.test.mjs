// The supabaseClient transport with the official @supabase/supabase-js,
// its network replaced by the fake fetch (global.fetch option).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws'; // node 20 has no WebSocket; supabase-js builds its realtime client eagerly
import { setup, settle, ids, SUPABASE_URL, ANON_KEY, FakeFetch } from './harness.mjs';

function client(net) {
  return createClient(SUPABASE_URL, ANON_KEY, {
    global: { fetch: net.fetch },
    realtime: { transport: ws },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

function withClient(overrides = {}) {
  const net = new FakeFetch();
  const s = setup({ supabaseUrl: undefined, supabaseKey: undefined, supabaseClient: client(net), fetch: undefined, ...overrides }, { net });
  return s;
}

test('batches go through supabase.rpc("ingest_analytics_batch", {events}) with its headers', async () => {
  const s = withClient();
  await s.tracker.ready;
  for (let i = 0; i < 20; i++) s.tracker.trackClick('socialChannels.linkedin');
  await settle();
  assert.equal(s.net.requests.length, 1);
  const req = s.net.requests[0];
  assert.equal(req.url, SUPABASE_URL + '/rest/v1/rpc/ingest_analytics_batch');
  assert.equal(req.headers.apikey, ANON_KEY);
  assert.equal(req.headers.authorization, 'Bearer ' + ANON_KEY);
  assert.match(req.headers['x-client-info'], /supabase-js/);
  assert.equal(req.json.events.length, 20);
  assert.equal(req.json.events[0].data.clickCategory, 'social');
  assert.equal(s.tracker.stats().delivered, 20);
  s.tracker.destroy();
});

test('a 503 through the client is retried with the same events; a 400 is dropped', async () => {
  const s = withClient();
  s.net.reply({ status: 503, body: { code: '08006', message: 'down' } }, { status: 200 }, { status: 400, body: { code: 'P0001', message: 'bad' } });
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  await s.clock.advance(10000);
  for (let i = 0; i < 700 && s.net.requests.length < 2; i++) await s.clock.advance(100);
  assert.equal(s.net.requests.length, 2);
  assert.deepEqual(ids(s.net.requests[1].json.events), ids(s.net.requests[0].json.events));
  await settle();
  assert.equal(s.tracker.stats().delivered, 1);
  s.tracker.trackClick('contact.email');
  await s.clock.advance(10000);
  await s.clock.advance(600000);
  assert.equal(s.net.requests.length, 3);
  assert.equal(s.tracker.stats().dropped.permanent_failure, 1);
  s.tracker.destroy();
});

test('per-event rejections in the function result reach the core through the client', async () => {
  const s = withClient();
  s.net.reply({ status: 200, body: { success: true, rejected: [{ index: 0, reason: 'bad' }] } });
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  s.tracker.trackClick('contact.email');
  await s.clock.advance(10000);
  const st = s.tracker.stats();
  assert.equal(st.dropped.rejected_by_server, 1);
  assert.equal(st.delivered, 1);
  s.tracker.destroy();
});

test('at page hide the client path uses a keepalive fetch with the client URL and key', async () => {
  const document = new EventTarget();
  document.visibilityState = 'visible';
  const s = withClient({ document, window: new EventTarget() });
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  document.visibilityState = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
  assert.equal(s.net.requests.length, 1, 'started synchronously in the handler');
  const req = s.net.requests[0];
  assert.equal(req.init.keepalive, true);
  assert.equal(req.url, SUPABASE_URL + '/rest/v1/rpc/ingest_analytics_batch');
  assert.equal(req.headers.apikey, ANON_KEY);
  s.tracker.destroy();
});
