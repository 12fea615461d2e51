// Bad requests get the status and body Supabase's gateway / PostgREST send,
// and the gateway keeps serving afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { SignJWT } from 'jose';
import { fixtureGateway, rpc } from './support.mjs';

const BODY_LIMIT = 64 * 1024;
let ctx;
let gw;
before(async () => {
  ctx = await fixtureGateway({ bodyLimit: BODY_LIMIT });
  gw = ctx.gw;
});
after(() => ctx?.close());

async function stillServes() {
  const r = await rpc(gw, 'gw_add', { a: 1, b: 2 });
  assert.equal(r.status, 200);
  assert.equal(r.json, 3);
}

test('no apikey: 401 with the gateway\'s message, before anything else', async () => {
  const r = await rpc(gw, 'gw_add', { a: 1 }, { apikey: null });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
  // even with a valid JWT in Authorization
  const r2 = await rpc(gw, 'gw_add', { a: 1 }, { apikey: null, token: gw.anonKey });
  assert.equal(r2.status, 401);
});

test('an apikey that is not one of the project keys: 401 Invalid API key', async () => {
  const forged = await gw.signToken({ role: 'anon' }); // validly signed, but not a project key
  const r = await rpc(gw, 'gw_add', { a: 1 }, { apikey: forged });
  assert.equal(r.status, 401);
  assert.equal(r.json.message, 'Invalid API key');
});

test('the apikey may come as a url parameter, as the gateway allows', async () => {
  const res = await fetch(`${gw.url}/rest/v1/rpc/gw_add?apikey=${gw.anonKey}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":2}',
  });
  assert.equal(res.status, 200);
  assert.equal(await res.json(), 12);
});

test('a JWT signed with another secret: 401 PGRST301', async () => {
  const other = new TextEncoder().encode('another-secret-that-is-at-least-32-characters');
  const token = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).sign(other);
  const r = await rpc(gw, 'gw_whoami', {}, { token });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, { code: 'PGRST301', details: null, hint: null, message: 'JWT cryptographic operation failed' });
  assert.match(r.headers.get('www-authenticate'), /^Bearer error="invalid_token"/);
});

test('a malformed JWT: 401 PGRST301 naming the problem', async () => {
  const r = await rpc(gw, 'gw_whoami', {}, { token: 'not-a-jwt' });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PGRST301');
  assert.equal(r.json.message, 'Expected 3 parts in JWT; got 1');
  const empty = await rpc(gw, 'gw_whoami', {}, { headers: { authorization: 'Bearer ' } });
  assert.equal(empty.status, 401);
  assert.equal(empty.json.message, 'Empty JWT is sent in Authorization header');
});

test('a JWT with an unsupported algorithm: 401 PGRST301', async () => {
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`;
  const r = await rpc(gw, 'gw_whoami', {}, { token: none });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PGRST301');
  assert.equal(r.json.message, 'Wrong or unsupported encoding algorithm');
});

test('an expired JWT: 401 PGRST303 "JWT expired" (beyond PostgREST\'s 30 s skew)', async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID(), exp: now - 60 });
  const r = await rpc(gw, 'gw_whoami', {}, { token: expired });
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, { code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
  assert.equal(r.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="JWT expired"');
  const withinSkew = await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID(), exp: now - 5 });
  assert.equal((await rpc(gw, 'gw_whoami', {}, { token: withinSkew })).status, 200);
});

test('a JWT whose role does not exist: 401 (22023)', async () => {
  const r = await rpc(gw, 'gw_whoami', {}, { token: await gw.signToken({ role: 'no_such_role' }) });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, '22023');
  assert.equal(r.json.message, 'role "no_such_role" does not exist');
});

test('a body over the limit: 413, whether declared or streamed', async () => {
  const big = JSON.stringify({ events: 'x'.repeat(BODY_LIMIT) });
  const r = await rpc(gw, 'gw_echo', undefined, { rawBody: big });
  assert.equal(r.status, 413);
  assert.deepEqual(r.json, { message: 'Request size limit exceeded' });
  // chunked, no Content-Length: the limit is enforced while reading
  const streamed = await new Promise((resolve, reject) => {
    const url = new URL(`${gw.url}/rest/v1/rpc/gw_echo`);
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { apikey: gw.anonKey, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    for (let i = 0; i < 8; i++) req.write('x'.repeat(BODY_LIMIT / 4));
    req.end();
  });
  assert.equal(streamed.status, 413);
  assert.equal(JSON.parse(streamed.text).message, 'Request size limit exceeded');
  // exactly at the limit is accepted
  const fits = JSON.stringify({ events: 'y'.repeat(BODY_LIMIT - 20) });
  assert.ok(Buffer.byteLength(fits) <= BODY_LIMIT);
  assert.equal((await rpc(gw, 'gw_echo', undefined, { rawBody: fits })).status, 200);
  await stillServes();
});

test('malformed JSON: 400 PGRST102', async () => {
  for (const raw of ['{"events": [1, 2', 'nope', '{"a":1}}']) {
    const r = await rpc(gw, 'gw_echo', undefined, { rawBody: raw });
    assert.equal(r.status, 400, raw);
    assert.deepEqual(r.json, { code: 'PGRST102', details: null, hint: null, message: 'Empty or invalid json' });
  }
});

test('unknown function: 404 PGRST202 with PostgREST\'s message, details and hint', async () => {
  const r = await rpc(gw, 'gw_ad', { a: 1 });
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, {
    code: 'PGRST202',
    message: 'Could not find the function public.gw_ad(a) in the schema cache',
    details: 'Searched for the function public.gw_ad with parameter a or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
    hint: 'Perhaps you meant to call the function public.gw_add',
  });
  const none = await rpc(gw, 'nothing_like_it', {});
  assert.equal(none.status, 404);
  assert.equal(none.json.message, 'Could not find the function public.nothing_like_it without parameters in the schema cache');
  assert.equal(none.json.hint, null);
});

test('known function, wrong argument names: 404 PGRST202 suggesting the parameters', async () => {
  const r = await rpc(gw, 'gw_add', { a: 1, c: 2 });
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 'PGRST202');
  assert.equal(r.json.message, 'Could not find the function public.gw_add(a, c) in the schema cache');
  assert.equal(r.json.hint, 'Perhaps you meant to call the function public.gw_add(a, b)');
  // a required parameter missing is the same error
  assert.equal((await rpc(gw, 'gw_add', { b: 1 })).status, 404);
});

test('a function the role may not EXECUTE: 42501, 401 for anon and 403 for a signed-in user', async () => {
  const anon = await rpc(gw, 'gw_service_only', {});
  assert.equal(anon.status, 401);
  assert.equal(anon.json.code, '42501');
  assert.equal(anon.json.message, 'permission denied for function gw_service_only');
  assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
  const user = await rpc(gw, 'gw_service_only', {}, { token: await gw.signToken({ role: 'authenticated', sub: crypto.randomUUID() }) });
  assert.equal(user.status, 403);
  assert.equal(user.json.code, '42501');
  const service = await rpc(gw, 'gw_service_only', {}, { apikey: gw.serviceKey, token: gw.serviceKey });
  assert.equal(service.status, 200);
  assert.equal(service.json, 'secret');
});

test('a schema that is not exposed: 406 PGRST106, even if the function exists there', async () => {
  const r = await rpc(gw, 'gw_hidden', {}, { headers: { 'content-profile': 'gw_private' } });
  assert.equal(r.status, 406);
  assert.deepEqual(r.json, {
    code: 'PGRST106', details: null, hint: 'Only the following schemas are exposed: public', message: 'Invalid schema: gw_private',
  });
});

test('other methods on /rpc: 405 PGRST101; other routes: 404 / not implemented', async () => {
  const put = await fetch(`${gw.url}/rest/v1/rpc/gw_add`, { method: 'PUT', headers: { apikey: gw.anonKey }, body: '{}' });
  assert.equal(put.status, 405);
  assert.deepEqual(await put.json(), { code: 'PGRST101', details: null, hint: null, message: 'Cannot use the PUT method on RPC' });
  const table = await fetch(`${gw.url}/rest/v1/gw_unique?select=*`, { headers: { apikey: gw.anonKey } });
  assert.equal(table.status, 400);
  assert.equal((await table.json()).code, 'PGRST127');
  const elsewhere = await fetch(`${gw.url}/auth/v1/token`, { method: 'POST', headers: { apikey: gw.anonKey } });
  assert.equal(elsewhere.status, 404);
  assert.deepEqual(await elsewhere.json(), { message: 'no Route matched with those values' });
});

test('garbage on the socket gets a 400 and does not take the gateway down', async () => {
  const { port, hostname } = new URL(gw.url);
  const net = await import('node:net');
  const reply = await new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.write('THIS IS NOT HTTP\r\n\r\n'));
    let data = '';
    s.on('data', (c) => { data += c; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assert.match(reply, /^HTTP\/1\.1 400/);
  await stillServes();
});

test('many bad requests at once: every one answered, none crashes the process', async () => {
  const kinds = [
    () => rpc(gw, 'gw_add', {}, { apikey: null }),
    () => rpc(gw, 'gw_add', undefined, { rawBody: '{' }),
    () => rpc(gw, 'gw_missing', {}),
    () => rpc(gw, 'gw_whoami', {}, { token: 'a.b.c' }),
    () => rpc(gw, 'gw_raise', { kind: 'P0001' }),
    () => rpc(gw, 'gw_add', { a: 'not a number' }),
  ];
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => kinds[i % kinds.length]()));
  const statuses = results.map((r) => r.status);
  assert.deepEqual([...new Set(statuses)].sort(), [400, 401, 404]);
  assert.ok(results.every((r) => r.json && typeof r.json.message === 'string'));
  // the bad integer is PostgreSQL's own error, passed through
  assert.equal(results[5].json.code, '22P02');
  await stillServes();
});
