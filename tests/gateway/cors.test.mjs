// Share pages are served from another origin than the gateway: the browser
// preflights every RPC (apikey and content-type: application/json are not
// CORS-safelisted) and reads Retry-After from cross-origin 429s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureGateway, rpc } from './support.mjs';
import { startGateway } from '../../dev/gateway/gateway.mjs';

let ctx;
let gw;
before(async () => {
  ctx = await fixtureGateway();
  gw = ctx.gw;
});
after(() => ctx?.close());

const ORIGIN = 'http://127.0.0.1:8080';
// What Chromium sends before supabase-js's rpc() from a page.
const preflight = (url, origin = ORIGIN) => fetch(`${url}/rest/v1/rpc/ingest_analytics_batch`, {
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'apikey,authorization,content-profile,content-type,x-client-info',
  },
});

test('preflight: 200, requested headers allowed, POST allowed, cached for a day, no apikey needed', async () => {
  const res = await preflight(gw.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('access-control-max-age'), '86400');
  const allowed = res.headers.get('access-control-allow-headers').toLowerCase().split(',').map((h) => h.trim());
  for (const h of ['authorization', 'apikey', 'content-profile', 'content-type', 'x-client-info']) {
    assert.ok(allowed.includes(h), `${h} allowed: ${allowed}`);
  }
  assert.match(res.headers.get('access-control-allow-methods'), /\bPOST\b/);
  assert.equal(await res.text(), '');
});

test('actual cross-origin responses carry Allow-Origin and expose Retry-After', async () => {
  const ok = await rpc(gw, 'gw_add', { a: 1 }, { headers: { origin: ORIGIN } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), '*');
  const limited = await rpc(gw, 'gw_raise', { kind: 'PGRST' }, { headers: { origin: ORIGIN } });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('access-control-allow-origin'), '*');
  const exposed = limited.headers.get('access-control-expose-headers').toLowerCase().split(',').map((h) => h.trim());
  assert.ok(exposed.includes('retry-after'), exposed.join());
  assert.equal(limited.headers.get('retry-after'), '30');
  // errors produced before PostgREST (no apikey) are readable cross-origin too
  const noKey = await rpc(gw, 'gw_add', { a: 1 }, { apikey: null, headers: { origin: ORIGIN } });
  assert.equal(noKey.status, 401);
  assert.equal(noKey.headers.get('access-control-allow-origin'), '*');
});

test('same-origin / non-browser requests get no CORS headers', async () => {
  const r = await rpc(gw, 'gw_add', { a: 1 });
  assert.equal(r.headers.get('access-control-allow-origin'), null);
});

test('with an allow-list, the origin is echoed (Vary: Origin) and others get no CORS headers', async () => {
  const g = await startGateway({ databaseUrl: ctx.dbUrl, migrate: false, corsOrigins: [ORIGIN] });
  try {
    const yes = await preflight(g.url);
    assert.equal(yes.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(yes.headers.get('vary'), 'Origin');
    const no = await preflight(g.url, 'http://evil.example');
    assert.equal(no.headers.get('access-control-allow-origin'), null);
    const actual = await rpc(g, 'gw_add', { a: 1 }, { headers: { origin: ORIGIN } });
    assert.equal(actual.headers.get('access-control-allow-origin'), ORIGIN);
  } finally {
    await g.close();
  }
});
