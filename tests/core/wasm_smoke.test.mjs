// The real WASM module (build/wasm, built by scripts/build.sh) in node 20,
// through the same scenarios the Catch2 tests pin natively.
// Run: node --test tests/core/wasm_smoke.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const wasmDir = fileURLToPath(new URL('../../build/wasm/', import.meta.url));
const T0 = 1706400000000; // Sun, 28 Jan 2024 00:00:00 GMT
const QUEUED = 0, FLUSH_NOW = 1;
const INVALID_ARGUMENT = -1, NO_IDENTITY = -2, DISABLED = -3, CORRUPT_INPUT = -4, UNKNOWN_REQUEST = -5;

let mod;
before(async () => {
  const { default: createClikCore } = await import(wasmDir + 'clik_core.mjs');
  mod = await createClikCore({ wasmBinary: await readFile(wasmDir + 'clik_core.wasm') });
});

function core(config = {}) {
  const c = new mod.Core();
  assert.equal(c.configure(JSON.stringify(config)), '');
  c.seed('ab'.repeat(32));
  assert.equal(c.setIdentity('myclik', 'public', ''), 0);
  return c;
}
const stats = (c) => JSON.parse(c.stats());

test('the module loads from an ES module under node with wasmBinary', () => {
  assert.equal(typeof mod.Core, 'function');
});

test('20th event triggers a flush; body is the seed wire format', () => {
  const c = core();
  for (let i = 1; i < 20; i++) assert.equal(c.trackClick(T0 + i, 'contact.phone'), QUEUED);
  assert.equal(c.pollBatch(T0 + 19), '');
  assert.equal(c.trackClick(T0 + 20, 'contact.phone'), FLUSH_NOW);
  const body = JSON.parse(c.pollBatch(T0 + 20));
  assert.equal(body.length, 20);
  const e = body[0];
  assert.deepEqual(Object.keys(e), ['type', 'data', 'timestamp']);
  assert.equal(e.type, 'click');
  assert.match(e.data.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(e.data.sessionId, /^session_1706400000001_[0-9a-z]{9}$/);
  assert.equal(e.data.clickCategory, 'contact');
  assert.equal(e.data.timestamp, T0 + 1);
  assert.equal(e.timestamp, T0 + 1);
  assert.ok(!('contactId' in e.data));
  assert.ok(c.requestId() > 0);
  c.delete();
});

test('10 s timer and nextDeadline', () => {
  const c = core();
  assert.equal(c.nextDeadline(T0), -1);
  c.trackPageView(T0, 'home');
  assert.equal(c.nextDeadline(T0 + 1), T0 + 10000);
  assert.equal(c.pollBatch(T0 + 9999), '');
  assert.equal(JSON.parse(c.pollBatch(T0 + 10000)).length, 1);
  c.delete();
});

test('byte budget splits a large queue into several batches', () => {
  const c = core({ maxBatchBytes: 4096, maxBatchEvents: 1000, maxStringBytes: 128 });
  for (let i = 0; i < 200; i++) c.trackClick(T0 + i, 'portfolio.' + 'x'.repeat(100));
  let total = 0, batches = 0;
  for (let now = T0 + 20000; ; now++) {
    const body = c.pollBatch(now);
    if (!body) break;
    batches++;
    assert.ok(Buffer.byteLength(`{"events":${body}}`) <= 4096);
    total += JSON.parse(body).length;
    assert.ok(c.onResult(c.requestId(), now, 200, '', '') > 0);
  }
  assert.equal(total, 200);
  assert.ok(batches > 1);
  c.delete();
});

test('urgent flush: <= 16 KB per body, <= 60 KB in total, rest stays persisted', () => {
  const c = core({ maxBatchEvents: 1000 });
  for (let i = 0; i < 400; i++) c.trackClick(T0 + i, 'contact.' + 'p'.repeat(500));
  let total = 0;
  for (let body; (body = c.pollUrgent(T0 + 500));) {
    const size = Buffer.byteLength(`{"events":${body}}`);
    assert.ok(size <= 16384);
    total += size;
  }
  assert.ok(total <= 61440);
  assert.equal(JSON.parse(c.snapshot()).events.length, 400);
  c.delete();
});

test('retry with Retry-After (seconds and HTTP-date) resends the same batch', () => {
  const c = core();
  c.trackClick(T0, 'contact.phone');
  const body = c.pollBatch(T0 + 10000);
  assert.equal(c.onResult(c.requestId(), T0 + 10000, 429, '30', ''), 0);
  assert.equal(c.nextDeadline(T0 + 10000), T0 + 40000);
  assert.equal(c.pollBatch(T0 + 39999), '');
  assert.equal(c.pollBatch(T0 + 40000), body);
  assert.equal(c.onResult(c.requestId(), T0 + 40000, 503, 'Sun, 28 Jan 2024 00:02:00 GMT', ''), 0);
  assert.equal(c.nextDeadline(T0 + 40000), T0 + 120000);
  assert.equal(c.pollBatch(T0 + 120000), body);
  assert.equal(c.onResult(c.requestId(), T0 + 120000, 500, '', ''), 0);
  const at = c.nextDeadline(T0 + 120000);
  assert.ok(at >= T0 + 120000 && at < T0 + 120000 + 4000); // third failure: window 4 s
  assert.equal(stats(c).retries, 3);
  c.delete();
});

test('permanent failure drops and counts; per-event rejections drop only those', () => {
  const c = core();
  c.trackClick(T0, 'a'); c.trackClick(T0, 'b');
  c.pollBatch(T0 + 10000);
  assert.equal(c.onResult(c.requestId(), T0 + 10001, 400, '', '{"code":"22P02"}'), 2);
  assert.equal(stats(c).dropped.permanent_failure, 2);
  c.trackClick(T0 + 20000, 'a'); c.trackClick(T0 + 20000, 'b'); c.trackClick(T0 + 20000, 'c');
  c.pollBatch(T0 + 30000);
  c.onResult(c.requestId(), T0 + 30001, 200, '', JSON.stringify({ success: true, rejected: [{ index: 2, reason: 'x' }] }));
  const s = stats(c);
  assert.equal(s.dropped.rejected_by_server, 1);
  assert.equal(s.delivered, 2);
  assert.equal(c.onResult(12345, T0, 200, '', ''), UNKNOWN_REQUEST);
  c.delete();
});

test('queue overflow drops the oldest, counted', () => {
  const c = core({ maxQueueEvents: 5, maxBatchEvents: 100 });
  for (let i = 0; i < 8; i++) c.trackClick(T0 + i, 't' + i);
  assert.equal(stats(c).dropped.queue_overflow, 3);
  assert.equal(JSON.parse(c.pollBatch(T0 + 20000))[0].data.clickTarget, 't3');
  c.delete();
});

test('snapshot/restore round trip, duplicates skipped, corrupt input refused', () => {
  const a = core();
  a.trackSession(T0, 'UA', 'https://ref.example/');
  a.trackClick(T0 + 1, 'aiAgent');
  assert.equal(a.dirty(), true);
  const snap = a.snapshot();
  assert.equal(a.dirty(), false);
  const b = core();
  assert.equal(b.restore(snap, T0 + 5), 2);
  assert.equal(b.restore(snap, T0 + 6), 0);
  assert.equal(b.snapshot(), snap);
  for (const bad of ['garbage', '{"clik":2,"events":[]}', '[]', '\uFFFF{']) assert.equal(b.restore(bad, T0), CORRUPT_INPUT);
  assert.equal(stats(b).restoreErrors, 4);
  assert.equal(b.snapshot(), snap);
  a.delete(); b.delete();
});

test('incremental persistence: snapshotSince(mark) holds what came after it; heldFloor rises as events leave', () => {
  const c = core();
  assert.equal(c.persistMark(), 0);
  assert.equal(c.heldFloor(), 1);
  for (let i = 0; i < 3; i++) c.trackClick(T0 + i, 'contact.phone');
  const m = c.persistMark();
  assert.equal(m, 3);
  assert.equal(JSON.parse(c.snapshotSince(0)).events.length, 3);
  assert.equal(c.dirty(), false);
  c.trackClick(T0 + 3, 'aiAgent');
  assert.deepEqual(JSON.parse(c.snapshotSince(m)).events.map((e) => e.data.clickTarget), ['aiAgent']);
  assert.equal(c.snapshotSince('3'), '', 'a wrong type is an error value');
  assert.notEqual(c.pollBatch(T0 + 10000), '');
  assert.ok(c.onResult(c.requestId(), T0 + 10001, 200, '', '{"success":true}') >= 0);
  assert.equal(c.heldFloor(), c.persistMark() + 1, 'all delivered: nothing held');
  assert.equal(c.dirty(), true, 'events left the core');
  c.markPersisted();
  assert.equal(c.dirty(), false, 'markPersisted clears dirty without a snapshot');
  c.delete();
});

test('session renewal at 30 minutes, state through sessionStorage', () => {
  const c = core();
  const id = c.sessionId(T0);
  assert.equal(c.sessionId(T0 + 29 * 60000), id);
  const state = c.sessionState();
  const d = core();
  assert.equal(d.restoreSession(state), 1);
  assert.equal(d.sessionId(T0 + 40 * 60000), id);
  assert.notEqual(c.sessionId(T0 + 29 * 60000 + 30 * 60000), id);
  assert.equal(d.restoreSession('{"sessionId":"x"}'), CORRUPT_INPUT);
  // sessionRevision: moves on a new or renewed id, not when a session is only seen again.
  const r = c.sessionRevision();
  assert.equal(typeof r, 'number');
  c.sessionId(T0 + 29 * 60000 + 30 * 60000 + 1);
  assert.equal(c.sessionRevision(), r);
  c.sessionId(T0 + 29 * 60000 + 30 * 60000 + 1 + 30 * 60000);
  assert.notEqual(c.sessionRevision(), r);
  c.delete(); d.delete();
});

test('every click prefix and configured rules', () => {
  const c = core({ clickRules: [{ prefix: 'booking.', category: 'booking' }] });
  const cases = {
    'contact.phone': 'contact', 'socialMessaging.whatsapp': 'messaging', 'socialChannels.x': 'social',
    'portfolio.p1': 'portfolio', aiAgent: 'aiAgent', 'aiAgent.chat': 'other', other: 'other', 'booking.slot': 'booking',
  };
  for (const [target, category] of Object.entries(cases)) assert.equal(c.clickCategory(target), category, target);
  c.delete();
});

test('UTF-8-safe truncation, lone surrogates repaired, huge strings cut', () => {
  const c = core({ maxStringBytes: 16 });
  c.trackClick(T0, 'portfolio.' + '€'.repeat(10));
  c.trackClick(T0, 'contact.\uD800x');
  c.trackClick(T0, 'x'.repeat(5_000_000));
  const body = JSON.parse(c.pollBatch(T0 + 10000));
  assert.equal(body[0].data.clickTarget, 'portfolio.€€');
  assert.equal(body[1].data.clickTarget, 'contact.\uFFFDx');
  assert.equal(body[2].data.clickTarget.length, 16);
  assert.equal(stats(c).truncated, 2);
  c.delete();
});

test('wrong JS types are error values, never exceptions, and the queue is intact', () => {
  const c = core();
  c.trackClick(T0, 'contact.phone');
  const snap = c.snapshot();
  assert.equal(c.trackClick('now', 'x'), INVALID_ARGUMENT);
  assert.match(c.lastError(), /trackClick: argument 1 must be a number/);
  assert.equal(c.trackClick(T0, 42), INVALID_ARGUMENT);
  assert.equal(c.trackClick(T0, {}), INVALID_ARGUMENT);
  assert.equal(c.trackPageView(T0), INVALID_ARGUMENT); // missing -> "" -> refused by the core
  assert.equal(c.trackSession(NaN, '', ''), INVALID_ARGUMENT);
  assert.equal(c.setIdentity(1, 2, 3), INVALID_ARGUMENT);
  assert.equal(c.restore(null, T0), 0);
  assert.equal(c.restore({}, T0), INVALID_ARGUMENT);
  assert.equal(c.onResult('1', T0, 200, '', ''), INVALID_ARGUMENT);
  assert.equal(c.onResult(c.requestId() + 99, T0, 200, null, undefined), UNKNOWN_REQUEST);
  assert.equal(c.pollBatch('soon'), '');
  assert.equal(c.nextDeadline(undefined), -1);
  assert.match(c.configure(7), /configure: argument 1 must be a string/);
  assert.match(c.configure('{"maxBatchEvents":"20"}'), /must be an integer/);
  c.seed(12);
  assert.equal(c.snapshot(), snap);
  assert.ok(stats(c).invalidCalls >= 12);
  const fresh = new mod.Core();
  assert.equal(fresh.trackClick(T0, 'x'), NO_IDENTITY);
  fresh.setIdentity('u', 's', '');
  fresh.setEnabled(false);
  assert.equal(fresh.trackClick(T0, 'x'), DISABLED);
  assert.equal(fresh.requestTimeoutMs(), 15000);
  fresh.delete(); c.delete();
});

test('three string arguments arrive in order, non-ASCII intact; clickCategory and sessionState return strings', () => {
  const c = new mod.Core();
  assert.equal(c.configure('{}'), '');
  c.seed('cd'.repeat(32));
  assert.equal(c.setIdentity('müller', 'carte-€', 'contact-\u{1F600}'), 0);
  c.trackClick(T0, 'socialChannels.linkedin');
  const [e] = JSON.parse(c.pollBatch(T0 + 10000));
  assert.equal(e.data.userCode, 'müller');
  assert.equal(e.data.shareCode, 'carte-€');
  assert.equal(e.data.contactId, 'contact-\u{1F600}');
  assert.equal(c.clickCategory('socialChannels.linkedin'), 'social');
  assert.equal(JSON.parse(c.sessionState()).constructor, Object);
  c.delete();
});

test('a deleted Core throws on use instead of touching freed memory; others are unaffected', () => {
  const a = core(), b = core();
  a.delete();
  assert.throws(() => a.trackClick(T0, 'contact.phone'), /used after delete/);
  assert.throws(() => a.delete(), /used after delete/);
  assert.equal(b.trackClick(T0, 'contact.phone'), QUEUED);
  assert.equal(JSON.parse(b.stats()).queued, 1);
  b.delete();
});

test('loading by URL: streamed when served as application/wasm, compiled from bytes otherwise, a clear error on 404', async () => {
  const http = await import('node:http');
  const bytes = await readFile(wasmDir + 'clik_core.wasm');
  const server = http.createServer((req, res) => {
    if (req.url === '/missing.wasm') { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': req.url === '/plain.wasm' ? 'text/plain' : 'application/wasm' });
    res.end(bytes);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const { default: createClikCore } = await import(wasmDir + 'clik_core.mjs');
  try {
    for (const file of ['/core.wasm', '/plain.wasm']) {
      const m = await createClikCore({ locateFile: (path) => { assert.equal(path, 'clik_core.wasm'); return base + file; } });
      const c = new m.Core();
      assert.equal(c.setIdentity('u', 's', ''), 0);
      assert.equal(c.trackClick(T0, 'contact.phone'), QUEUED, file);
      c.delete();
    }
    await assert.rejects(createClikCore({ locateFile: () => base + '/missing.wasm' }), /missing\.wasm.*HTTP 404/);
  } finally {
    server.close();
  }
});
