// Flush policy through the shim: 20 events or 10 s, one timer, the wire format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, SUPABASE_URL, ANON_KEY, T0, FakeClock, MemoryStorage } from './harness.mjs';

test('the 20th event sends one batch of 20 at once, with the RPC headers and body', async () => {
  const { tracker, net, clock } = setup();
  assert.equal(await tracker.ready, true);
  for (let i = 0; i < 19; i++) tracker.trackClick('contact.phone');
  await settle();
  assert.equal(net.requests.length, 0);
  tracker.trackClick('contact.email');
  await settle();
  assert.equal(net.requests.length, 1);
  const req = net.requests[0];
  assert.equal(req.url, SUPABASE_URL + '/rest/v1/rpc/ingest_analytics_batch');
  assert.equal(req.init.method, 'POST');
  assert.equal(req.headers.apikey, ANON_KEY);
  assert.equal(req.headers.authorization, 'Bearer ' + ANON_KEY);
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(Object.keys(req.json), ['events']);
  assert.equal(req.json.events.length, 20);
  assert.equal(req.json.events[19].data.clickTarget, 'contact.email');
  assert.equal(req.json.events[0].data.clickCategory, 'contact');
  assert.equal(req.json.events[0].timestamp, clock.now());
  assert.equal(tracker.stats().delivered, 20);
  tracker.destroy();
});

test('a single event is sent by the one timer 10 s later, not before', async () => {
  const { tracker, net, clock } = setup();
  await tracker.ready;
  tracker.trackPageView('page.home');
  await settle();
  assert.equal(clock.pendingTimers, 1);
  await clock.advance(9999);
  assert.equal(net.requests.length, 0);
  await clock.advance(1);
  assert.equal(net.requests.length, 1);
  assert.equal(net.events[0].type, 'page_view');
  assert.equal(net.events[0].data.pageType, 'home');
  assert.equal(net.events[0].timestamp, T0);
  assert.equal(clock.pendingTimers, 0, 'nothing pending: no timer left armed');
  tracker.destroy();
});

test('calls made before the core is ready keep their order and timestamps', async () => {
  const { tracker, net, clock } = setup();
  tracker.trackView();
  clock.time += 5;
  tracker.trackPageView('page.portfolio');
  clock.time += 5;
  tracker.trackClick('portfolio.item1');
  assert.equal(tracker.stats().shim.pendingCalls, 3);
  await tracker.ready;
  await clock.advance(10000);
  assert.deepEqual(net.events.map((e) => [e.type, e.timestamp]), [['session', T0], ['page_view', T0 + 5], ['click', T0 + 10]]);
  assert.equal(net.events[0].data.userAgent, 'TestAgent/1.0');
  tracker.destroy();
});

test('a deadline beyond what a timer can hold (events stamped 30 days ahead by a wrong clock) does not spin', async () => {
  const local = new MemoryStorage();
  const wrong = setup({}, { local, clock: new FakeClock(T0 + 30 * 86400000) });
  await wrong.tracker.ready;
  wrong.tracker.trackClick('contact.phone');
  await settle();
  wrong.tracker.destroy();
  // The next page load, with the clock corrected: the restored event's deadline is 30 days away.
  const { tracker, net, clock } = setup({}, { local });
  await tracker.ready;
  assert.equal(tracker.stats().queued, 1);
  const before = clock.created;
  await clock.advance(60000);
  assert.ok(clock.created - before <= 3, `${clock.created - before} timers in 60 s`);
  assert.equal(net.requests.length, 0);
  tracker.destroy();
});
