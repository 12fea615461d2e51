// The seed's client API (Steps 2-3 of shared/seed/serverless-ingestion.md)
// keeps working on top of the core: analyticsBatcher.* and the helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pkg, wasmBinary, FakeClock, FakeFetch, MemoryStorage, SUPABASE_URL, ANON_KEY } from './harness.mjs';

const { init, analyticsBatcher, getOrCreateSessionId, trackView, trackPageView, trackClick } = pkg;

function initWithFakes() {
  // Calls made before init() carry Date.now(): the fake clock starts after it.
  const clock = new FakeClock(Date.now() + 1000);
  const net = new FakeFetch();
  const tracker = init({
    supabaseUrl: SUPABASE_URL, supabaseKey: ANON_KEY, wasmBinary,
    fetch: net.fetch, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    localStorage: new MemoryStorage(), sessionStorage: new MemoryStorage(),
    window: null, document: { referrer: 'https://ref.example/' }, navigator: { userAgent: 'SeedAgent' },
  });
  return { clock, net, tracker };
}

test('the seed helpers: trackView = session, page. stripped, click categories, per-call cards and contacts', async () => {
  // Called before init(): kept and replayed with their own timestamps.
  trackView('myclik', 'public');
  const { clock, net, tracker } = initWithFakes();
  await tracker.ready;
  trackPageView('myclik', 'public', 'page.contact');
  trackClick('myclik', 'public', 'socialMessaging.whatsapp');
  trackClick('other', 'team', 'contact.phone', 'contact-42');
  const sid = getOrCreateSessionId('myclik', 'public');
  assert.match(sid, /^session_\d+_[0-9a-z]{9}$/);
  await clock.advance(10000);
  const ev = net.events;
  assert.deepEqual(ev.map((e) => e.type), ['session', 'page_view', 'click', 'click']);
  assert.equal(ev[0].data.userAgent, 'SeedAgent');
  assert.equal(ev[0].data.referrer, 'https://ref.example/');
  assert.equal(ev[1].data.pageType, 'contact');
  assert.equal(ev[2].data.clickCategory, 'messaging');
  for (const e of ev.slice(0, 3)) {
    assert.equal(e.data.userCode, 'myclik');
    assert.equal(e.data.shareCode, 'public');
    assert.equal(e.data.sessionId, sid);
    assert.ok(!('contactId' in e.data));
  }
  assert.equal(ev[3].data.userCode, 'other');
  assert.equal(ev[3].data.shareCode, 'team');
  assert.equal(ev[3].data.contactId, 'contact-42');
  assert.notEqual(ev[3].data.sessionId, sid, 'another card, another session');
  assert.equal(getOrCreateSessionId('myclik', 'public'), sid, 'the 30-minute rule keeps the session');
  analyticsBatcher.destroy();
});

test("the seed's 'Test from Client' calls: analyticsBatcher.trackSession/trackPageView/trackClick", async () => {
  const { clock, net, tracker } = initWithFakes();
  await tracker.ready;
  analyticsBatcher.trackSession('test_session_1', 'myclik', 'public');
  analyticsBatcher.trackPageView('test_session_1', 'myclik', 'public', 'home');
  analyticsBatcher.trackClick('test_session_1', 'myclik', 'public', 'contact.phone');
  await analyticsBatcher.flush();
  const t = clock.now();
  assert.deepEqual(net.events.map((e) => [e.type, e.timestamp]), [['session', t], ['page_view', t], ['click', t]]);
  assert.equal(net.events[2].data.clickCategory, 'contact');
  assert.equal(analyticsBatcher.stats().delivered, 3);
  assert.equal(clock.pendingTimers, 0);
  analyticsBatcher.destroy();
});

test('seed helpers with bad arguments do not throw and send nothing wrong', async () => {
  const { clock, net, tracker } = initWithFakes();
  await tracker.ready;
  assert.doesNotThrow(() => trackClick(undefined, null, 'contact.phone'));
  assert.doesNotThrow(() => trackPageView('myclik', 'public', 42));
  assert.doesNotThrow(() => trackView({}, [], 7));
  assert.doesNotThrow(() => analyticsBatcher.trackClick());
  assert.equal(getOrCreateSessionId(1, 2), '');
  trackClick('myclik', 'public', 'aiAgent');
  await clock.advance(10000);
  assert.deepEqual(net.events.map((e) => e.data.clickTarget), ['aiAgent']);
  assert.equal(tracker.stats().shim.errors, 0);
  analyticsBatcher.destroy();
});

test('without init() the helpers are safe no-ops that keep their calls for later', () => {
  assert.doesNotThrow(() => trackClick('myclik', 'public', 'contact.phone'));
  assert.equal(getOrCreateSessionId('myclik', 'public'), '');
  assert.equal(analyticsBatcher.stats(), undefined);
  // Replayed by the next init(): clean up by initialising and destroying.
  const { tracker } = initWithFakes();
  assert.equal(tracker.stats().shim.pendingCalls, 1);
  analyticsBatcher.destroy();
});
