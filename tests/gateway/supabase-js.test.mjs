// The product's path end to end through the OFFICIAL client: supabase-js ->
// dev gateway -> the repo's sql/ (compat + migrations) on PostgreSQL 15.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { fixtureGateway } from './support.mjs';

let ctx;
let gw;
before(async () => {
  ctx = await fixtureGateway({ migrate: true });
  gw = ctx.gw;
});
after(() => ctx?.close());

// A browser-like client: the anon key, and a user's JWT once signed in.
function client({ token, headers = {} } = {}) {
  return createClient(gw.url, gw.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket },
    global: { headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } },
  });
}

function visit({ userCode, shareCode = 'public', contactId } = {}) {
  const sessionId = `session_${Date.now()}_${Math.random().toString(36).slice(2, 11)}`;
  const t = Date.now() - 5000;
  const base = { sessionId, userCode, shareCode, ...(contactId ? { contactId } : {}) };
  return {
    sessionId,
    events: [
      { type: 'session', data: { ...base, eventId: crypto.randomUUID(), timestamp: t, userAgent: 'node test', referrer: 'https://example.com/' }, timestamp: t },
      { type: 'page_view', data: { ...base, eventId: crypto.randomUUID(), pageType: 'home', timestamp: t + 100 }, timestamp: t + 100 },
      { type: 'page_view', data: { ...base, eventId: crypto.randomUUID(), pageType: 'portfolio', timestamp: t + 200 }, timestamp: t + 200 },
      { type: 'click', data: { ...base, eventId: crypto.randomUUID(), clickTarget: 'contact.phone', clickCategory: 'contact', timestamp: t + 300 }, timestamp: t + 300 },
    ],
  };
}

test('anon rpc("ingest_analytics_batch", {events}) stores the events (checked as superuser)', async () => {
  const userCode = `card_${Date.now()}`;
  const { sessionId, events } = visit({ userCode });
  const { data, error, status } = await client().rpc('ingest_analytics_batch', { events });
  assert.equal(error, null);
  assert.equal(status, 200);
  assert.equal(data.success, true);
  assert.equal(data.processed, 4);
  assert.equal(data.sessions_inserted, 1);
  assert.equal(data.page_views_inserted, 2);
  assert.equal(data.clicks_inserted, 1);
  const [session] = await ctx.sql('select user_code, page_views, clicks from analytics.sessions where session_id = $1', [sessionId]);
  assert.deepEqual(session, { user_code: userCode, page_views: '2', clicks: '1' });
  const pv = await ctx.sql('select page_type from analytics.page_views where session_id = $1 order by page_type', [sessionId]);
  assert.deepEqual(pv.map((r) => r.page_type), ['home', 'portfolio']);
  const clicks = await ctx.sql('select click_target, click_category from analytics.clicks where session_id = $1', [sessionId]);
  assert.deepEqual(clicks, [{ click_target: 'contact.phone', click_category: 'contact' }]);

  // the same batch again (a retry after a lost response) stores nothing twice
  const again = await client().rpc('ingest_analytics_batch', { events });
  assert.equal(again.error, null);
  assert.equal(again.data.duplicates, 4);
  const [{ n }] = await ctx.sql('select count(*)::int as n from analytics.page_views where session_id = $1', [sessionId]);
  assert.equal(n, 2);
});

test('anon cannot read the raw tables or the ownership table through the API roles', async () => {
  // what a leaked grant would expose: checked directly as the anon role
  await assert.rejects(ctx.sql('set role anon; select * from analytics.sessions'), /permission denied/);
});

test('the owner reads the dashboard with a user JWT; another user gets 403; anon gets 401', async () => {
  const userCode = `owned_${Date.now()}`;
  const owner = crypto.randomUUID();
  await ctx.sql('insert into public.user_code_ownership (user_id, user_code) values ($1, $2)', [owner, userCode]);
  const first = visit({ userCode });
  const second = visit({ userCode, shareCode: 'vip', contactId: 'contact-7' });
  for (const v of [first, second]) {
    const { error } = await client().rpc('ingest_analytics_batch', { events: v.events });
    assert.equal(error, null);
  }

  const ownerToken = await gw.signToken({ role: 'authenticated', sub: owner, aud: 'authenticated' });
  const { data, error, status } = await client({ token: ownerToken }).rpc('get_analytics_dashboard', { user_code: userCode });
  assert.equal(error, null);
  assert.equal(status, 200);
  assert.equal(data.userCode, userCode);
  assert.deepEqual(data.totals, { sessions: 2, pageViews: 4, clicks: 2 });
  const pageTypes = Object.fromEntries(data.pageTypes.map((p) => [p.pageType, p.views]));
  assert.deepEqual(pageTypes, { home: 2, portfolio: 2 });
  assert.deepEqual(data.clickCategories.map((c) => [c.category, c.clicks]), [['contact', 2]]);
  assert.equal(data.topClickTargets[0].target, 'contact.phone');

  const filtered = await client({ token: ownerToken }).rpc('get_analytics_dashboard', { user_code: userCode, filters: { shareCode: 'vip' } });
  assert.equal(filtered.error, null);
  assert.deepEqual(filtered.data.totals, { sessions: 1, pageViews: 2, clicks: 1 });

  const stranger = await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID() });
  const denied = await client({ token: stranger }).rpc('get_analytics_dashboard', { user_code: userCode });
  assert.equal(denied.data, null);
  assert.equal(denied.status, 403);
  assert.equal(denied.error.code, '42501');

  const anon = await client().rpc('get_analytics_dashboard', { user_code: userCode });
  assert.equal(anon.status, 401);
  assert.equal(anon.error.code, '42501');
});

test('invalid batches come back as errors with a status, not as 200 {success:false}', async () => {
  const empty = await client().rpc('ingest_analytics_batch', { events: [] });
  assert.equal(empty.status, 400);
  assert.ok(empty.error && typeof empty.error.message === 'string');
  const wrongArg = await client().rpc('ingest_analytics_batch', { event: [] });
  assert.equal(wrongArg.status, 404);
  assert.equal(wrongArg.error.code, 'PGRST202');
});

test('the per-IP rate limit answers 429 with Retry-After through the gateway', async () => {
  await ctx.sql('update analytics.settings set rate_limit_ip_calls = 2');
  try {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const c = client({ headers: { 'x-forwarded-for': ip } });
    const userCode = `rl_${Date.now()}`;
    for (let i = 0; i < 2; i++) {
      const { error } = await c.rpc('ingest_analytics_batch', { events: visit({ userCode }).events });
      assert.equal(error, null);
    }
    const limited = await c.rpc('ingest_analytics_batch', { events: visit({ userCode }).events });
    assert.equal(limited.status, 429);
    // supabase-js does not surface headers: read them with fetch, as the SDK's keepalive path does
    const res = await fetch(`${gw.url}/rest/v1/rpc/ingest_analytics_batch`, {
      method: 'POST',
      headers: { apikey: gw.anonKey, authorization: `Bearer ${gw.anonKey}`, 'content-type': 'application/json', 'x-forwarded-for': ip, origin: 'http://127.0.0.1:9' },
      body: JSON.stringify({ events: visit({ userCode }).events }),
    });
    assert.equal(res.status, 429);
    assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
    assert.ok(res.headers.get('access-control-expose-headers').includes('Retry-After'));
    // another IP is not limited
    const other = await client({ headers: { 'x-forwarded-for': '192.0.2.1' } }).rpc('ingest_analytics_batch', { events: visit({ userCode }).events });
    assert.equal(other.error, null);
  } finally {
    await ctx.sql('update analytics.settings set rate_limit_ip_calls = 600');
  }
});

test('supabase-js sees the gateway\'s auth errors as PostgREST errors', async () => {
  const expired = await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) - 120 });
  const r = await client({ token: expired }).rpc('gw_whoami');
  assert.equal(r.status, 401);
  assert.equal(r.error.code, 'PGRST303');
  assert.equal(r.error.message, 'JWT expired');
  const who = await client().rpc('gw_whoami');
  assert.equal(who.error, null);
  assert.equal(who.data.current_user, 'anon');
  assert.match(who.data.headers['x-client-info'], /^supabase-js/);
  assert.equal(who.data.headers['content-profile'], 'public');
});
