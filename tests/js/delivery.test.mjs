// What the shim reports back to the core and how the core's decisions show on
// the wire: retry with backoff, Retry-After, drops, per-event rejection,
// request timeouts. Fake clock, fake fetch, the real WASM core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, ids } from './harness.mjs';

async function oneEventSent(s, target = 'contact.phone') {
  await s.tracker.ready;
  s.tracker.trackClick(target);
  await s.clock.advance(10000);
  assert.equal(s.net.requests.length, 1, 'first attempt at 10 s');
}

/**
 * Advances 100 ms at a time until request number `index` (0-based) has been
 * made; returns the ms waited. By index, not "one more than now": with full
 * jitter a retry can fire within the same 100 ms step as the request before it.
 */
async function waitForRequest(s, index, limitMs) {
  for (let waited = 0; waited <= limitMs; waited += 100) {
    if (s.net.requests.length > index) return waited;
    await s.clock.advance(100);
  }
  return -1;
}

for (const [name, reply] of [['503', { status: 503, body: '{"code":"08006","message":"down"}' }], ['a network error (status 0)', 'network']]) {
  test(`after ${name} the same events are retried with backoff, then delivered`, async () => {
    const s = setup({ retryBaseMs: 1000, retryCapMs: 60000 });
    s.net.reply(reply, reply);
    await oneEventSent(s);
    const first = ids(s.net.requests[0].json.events);
    const w1 = await waitForRequest(s, 1, 70000);
    assert.ok(w1 >= 0, 'retried');
    const w2 = await waitForRequest(s, 2, 70000);
    assert.ok(w2 >= 0, 'retried again');
    assert.deepEqual(ids(s.net.requests[1].json.events), first);
    assert.deepEqual(ids(s.net.requests[2].json.events), first);
    await settle();
    const st = s.tracker.stats();
    assert.equal(st.delivered, 1);
    assert.equal(st.retries, 2);
    assert.equal(st.shim.errors, 0, 'a failed request is not a shim error');
    // Nothing left: no more requests however long we wait.
    await s.clock.advance(600000);
    assert.equal(s.net.requests.length, 3);
    s.tracker.destroy();
  });
}

test('backoff is not a fixed interval: with full jitter the waits stay within base * 2^attempt', async () => {
  const s = setup({ retryBaseMs: 1000, retryCapMs: 8000, maxAttempts: 10 });
  s.net.reply(...Array(6).fill({ status: 500 }));
  await oneEventSent(s);
  const waits = [];
  for (let i = 0; i < 6; i++) waits.push(await waitForRequest(s, i + 1, 10000));
  waits.forEach((w, i) => {
    assert.ok(w >= 0, `attempt ${i + 2} happened`);
    assert.ok(w <= Math.min(8000, 1000 * 2 ** (i + 1)) + 100, `wait ${w} within the cap for attempt ${i + 1}`);
  });
  s.tracker.destroy();
});

test('429 with Retry-After: 30 waits 30 s before the retry', async () => {
  const s = setup();
  s.net.reply({ status: 429, headers: { 'Retry-After': '30' }, body: '{"code":"PT429","message":"slow down"}' });
  await oneEventSent(s);
  await s.clock.advance(29900);
  assert.equal(s.net.requests.length, 1, 'not before Retry-After');
  await s.clock.advance(200);
  assert.equal(s.net.requests.length, 2);
  assert.equal(s.tracker.stats().delivered, 1);
  s.tracker.destroy();
});

test('400 drops the batch (counted), never retries', async () => {
  const s = setup();
  s.net.reply({ status: 400, body: '{"code":"P0001","message":"bad batch"}' });
  await s.tracker.ready;
  s.tracker.trackClick('a');
  s.tracker.trackClick('b');
  await s.clock.advance(10000);
  await s.clock.advance(600000);
  assert.equal(s.net.requests.length, 1);
  const st = s.tracker.stats();
  assert.equal(st.dropped.permanent_failure, 2);
  assert.equal(st.delivered, 0);
  assert.equal(st.queued, 0);
  s.tracker.destroy();
});

test('per-event rejection: rejected indexes are dropped and counted, the rest delivered', async () => {
  const s = setup();
  s.net.reply({ status: 200, body: { success: true, processed: 3, rejected: [{ index: 1, reason: 'invalid pageType' }] } });
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  s.tracker.trackPageView('page.home');
  s.tracker.trackClick('aiAgent');
  await s.clock.advance(10000);
  await s.clock.advance(600000);
  assert.equal(s.net.requests.length, 1);
  const st = s.tracker.stats();
  assert.equal(st.delivered, 2);
  assert.equal(st.dropped.rejected_by_server, 1);
  s.tracker.destroy();
});

test('a request with no answer is aborted after requestTimeoutMs and retried', async () => {
  const s = setup({ requestTimeoutMs: 5000, retryBaseMs: 1000 });
  s.net.reply('hang');
  await oneEventSent(s);
  const signal = s.net.requests[0].init.signal;
  assert.equal(signal.aborted, false);
  await s.clock.advance(4999);
  assert.equal(signal.aborted, false);
  await s.clock.advance(1);
  assert.equal(signal.aborted, true, 'aborted at the timeout');
  const w = await waitForRequest(s, 1, 3000);
  assert.ok(w >= 0, 'retried after the timeout');
  assert.deepEqual(ids(s.net.requests[1].json.events), ids(s.net.requests[0].json.events));
  await settle();
  assert.equal(s.tracker.stats().delivered, 1);
  s.tracker.destroy();
});

test('flush() sends now and resolves after the answer', async () => {
  const s = setup();
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  s.tracker.trackClick('contact.email');
  await s.tracker.flush();
  assert.equal(s.net.requests.length, 1);
  assert.equal(s.net.events.length, 2);
  assert.equal(s.tracker.stats().delivered, 2);
  assert.equal(s.net.requests[0].init.keepalive, false);
  s.tracker.destroy();
});

test('flush() does not force out a batch waiting for its Retry-After', async () => {
  const s = setup();
  s.net.reply({ status: 429, headers: { 'Retry-After': '60' } });
  await oneEventSent(s);
  await s.tracker.flush();
  assert.equal(s.net.requests.length, 1);
  await s.clock.advance(60000);
  assert.equal(s.net.requests.length, 2);
  s.tracker.destroy();
});
