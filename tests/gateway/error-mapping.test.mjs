// Errors raised in the database reach the client with PostgREST's
// SQLSTATE -> HTTP mapping and {code, details, hint, message} body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureGateway, rpc } from './support.mjs';

let ctx;
let gw;
let userToken;
before(async () => {
  ctx = await fixtureGateway();
  gw = ctx.gw;
  userToken = await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID() });
});
after(() => ctx?.close());

const raise = (kind, opts) => rpc(gw, 'gw_raise', { kind }, opts);

test('P0001 (plain RAISE EXCEPTION) -> 400 with message, details and hint', async () => {
  const r = await raise('P0001');
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, { code: 'P0001', message: 'plain raise', details: 'some detail', hint: 'some hint' });
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('other P0xxx -> 500', async () => {
  const r = await raise('P0002');
  assert.equal(r.status, 500);
  assert.equal(r.json.code, 'P0002');
});

test('42501 -> 401 for anon, 403 for an authenticated user', async () => {
  const anon = await raise('42501');
  assert.equal(anon.status, 401);
  assert.deepEqual(anon.json, { code: '42501', message: 'not yours', details: null, hint: null });
  const user = await raise('42501', { token: userToken });
  assert.equal(user.status, 403);
  assert.equal(user.json.code, '42501');
});

test('PTxyz -> status xyz; PT with a non-status number -> 500', async () => {
  const r = await raise('PT429');
  assert.equal(r.status, 429);
  assert.deepEqual(r.json, { code: 'PT429', message: 'slow down', details: null, hint: 'wait' });
  assert.equal((await raise('PT999')).status, 500);
});

test('RAISE SQLSTATE PGRST with JSON message/detail -> that status, body and headers', async () => {
  const r = await raise('PGRST');
  assert.equal(r.status, 429);
  assert.deepEqual(r.json, { code: 'RATE1', message: 'Too many requests', details: '30 per minute', hint: 'retry later' });
  assert.equal(r.headers.get('retry-after'), '30');
  assert.equal(r.headers.get('x-limit'), '30');
});

test('RAISE SQLSTATE PGRST with a non-JSON message -> 500 PGRST121', async () => {
  const r = await raise('PGRST-bad');
  assert.equal(r.status, 500);
  assert.equal(r.json.code, 'PGRST121');
  assert.equal(r.json.details, "Invalid JSON value for MESSAGE: 'not json'");
});

test('23505 unique violation -> 409, and the transaction is rolled back', async () => {
  const r = await raise('23505');
  assert.equal(r.status, 409);
  assert.equal(r.json.code, '23505');
  assert.match(r.json.message, /duplicate key value violates unique constraint "gw_unique_pkey"/);
  assert.deepEqual(await ctx.sql('select count(*)::int as n from public.gw_unique'), [{ n: 0 }]);
});

test('53xxx insufficient resources -> 503', async () => {
  const r = await raise('53300');
  assert.equal(r.status, 503);
});

test('a bad argument value is PostgreSQL\'s error (22P02 -> 400)', async () => {
  const r = await rpc(gw, 'gw_add', { a: 'one' });
  assert.equal(r.status, 400);
  assert.equal(r.json.code, '22P02');
});

test('response.status / response.headers set by a function shape the success response', async () => {
  const r = await rpc(gw, 'gw_custom_response', {});
  assert.equal(r.status, 202);
  assert.equal(r.headers.get('x-custom'), 'yes');
  assert.deepEqual(r.json, { accepted: true });
});

test('GET runs read-only: a writing function fails with 25006 -> 405', async () => {
  const r = await rpc(gw, 'gw_write?note=x', undefined, { method: 'GET' });
  assert.equal(r.status, 405);
  assert.equal(r.json.code, '25006');
  const ok = await rpc(gw, 'gw_add?a=5&b=6', undefined, { method: 'GET' });
  assert.equal(ok.status, 200);
  assert.equal(ok.json, 11);
});

test('the database going away is a 503 PGRST000 response, not a crash', async () => {
  const { startGateway } = await import('../../dev/gateway/gateway.mjs');
  const { freshDatabase } = await import('./support.mjs');
  const db = await freshDatabase();
  const { FIXTURES } = await import('./support.mjs');
  const g = await startGateway({ databaseUrl: db.url, migrate: false, extraSqlFiles: FIXTURES, poolSize: 2 });
  try {
    assert.equal((await rpc(g, 'gw_add', { a: 1 })).status, 200);
    await db.drop(); // drop ... with (force) terminates the gateway's connections
    const r = await rpc(g, 'gw_add', { a: 1 });
    assert.equal(r.status, 503);
    assert.ok(['PGRST000', '57P01', '08006', '08003'].includes(r.json.code), r.text);
  } finally {
    await g.close();
  }
});

test('a pre-request function runs first, as the request role, and can refuse with its own status', async () => {
  const { startGateway } = await import('../../dev/gateway/gateway.mjs');
  const g = await startGateway({ databaseUrl: ctx.dbUrl, migrate: false, preRequest: 'public.gw_pre_request' });
  try {
    const blocked = await rpc(g, 'gw_add', { a: 1 }, { headers: { 'x-block': '1' } });
    assert.equal(blocked.status, 420);
    assert.equal(blocked.headers.get('retry-after'), '7');
    assert.deepEqual(blocked.json, { code: 'blocked', message: 'blocked by pre-request', details: 'anon', hint: null });
    assert.equal((await rpc(g, 'gw_add', { a: 1 })).json, 11);
  } finally {
    await g.close();
  }
});
