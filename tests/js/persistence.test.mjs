// Reloads, page hide and broken storage: nothing lost, nothing sent twice
// that the server has acknowledged, and never an error at the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, ids, MemoryStorage, ThrowingStorage, FakeFetch, FakeClock } from './harness.mjs';

class FakeDocument extends EventTarget {
  constructor() {
    super();
    this.visibilityState = 'visible';
    this.referrer = 'https://referrer.example/';
  }
  hide() {
    this.visibilityState = 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function page(env = {}) {
  const window = new EventTarget();
  const document = new FakeDocument();
  return { window, document, ...env };
}

test('reload before anything was sent: the next page sends every event exactly once', async () => {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  const a = setup({}, { local, session });
  await a.tracker.ready;
  a.tracker.trackView();
  a.tracker.trackPageView('page.home');
  for (let i = 0; i < 5; i++) a.tracker.trackClick('portfolio.p' + i);
  await settle(); // the coalesced write happens in a microtask, no hide needed
  assert.equal(a.net.requests.length, 0);
  const sessionId = a.tracker.sessionId();
  // The page dies: no destroy(), no hide event.

  const clock = new FakeClock(a.clock.now() + 2000);
  const b = setup({}, { local, session, clock });
  await b.tracker.ready;
  assert.equal(b.tracker.stats().queued, 7);
  b.tracker.trackClick('contact.phone');
  await b.clock.advance(10000);
  const sent = b.net.events;
  assert.equal(sent.length, 8);
  assert.equal(new Set(ids(sent)).size, 8, 'no duplicates');
  assert.deepEqual(sent.map((e) => e.type), ['session', 'page_view', 'click', 'click', 'click', 'click', 'click', 'click']);
  assert.equal(sent[7].data.sessionId, sessionId, 'the session survives the reload (sessionStorage)');
  await settle();
  assert.equal(b.tracker.stats().queued, 0);
  // A third page load finds nothing left to send.
  const c = setup({}, { local, session, clock: b.clock });
  await c.tracker.ready;
  await c.clock.advance(60000);
  assert.equal(c.net.requests.length, 0);
  for (const t of [a, b, c]) t.tracker.destroy();
});

test('hide sends the queue with keepalive; acknowledged events are not replayed on the next load', async () => {
  const local = new MemoryStorage();
  const p = page();
  const a = setup(p, { local });
  await a.tracker.ready;
  a.tracker.trackView();
  a.tracker.trackClick('contact.phone');
  p.document.hide();
  assert.equal(a.net.requests.length, 1, 'sent synchronously in the hide handler');
  assert.equal(a.net.requests[0].init.keepalive, true);
  assert.equal(a.net.events.length, 2);
  await settle(); // the answer arrives (the tab was only hidden)
  assert.equal(a.tracker.stats().delivered, 2);
  p.window.dispatchEvent(new Event('pagehide'));
  assert.equal(a.net.requests.length, 1, 'nothing left to send at pagehide');

  const b = setup({}, { local });
  await b.tracker.ready;
  await b.clock.advance(60000);
  assert.equal(b.net.requests.length, 0, 'acknowledged events are gone from storage');
  a.tracker.destroy();
  b.tracker.destroy();
});

test('pagehide whose answer never arrives: the next load replays the same eventIds (server dedupe makes it harmless)', async () => {
  const local = new MemoryStorage();
  const p = page();
  const net = new FakeFetch().reply('hang');
  const a = setup(p, { local, net });
  await a.tracker.ready;
  a.tracker.trackClick('contact.phone');
  a.tracker.trackClick('contact.email');
  p.window.dispatchEvent(new Event('pagehide'));
  assert.equal(net.requests.length, 1);
  const sentAtUnload = ids(net.events);
  // The page is gone before any answer.

  const b = setup({}, { local, clock: new FakeClock(a.clock.now() + 1000) });
  await b.tracker.ready;
  await b.clock.advance(10000);
  assert.deepEqual(ids(b.net.events), sentAtUnload);
  a.tracker.destroy();
  b.tracker.destroy();
});

test('urgent flush sizes: each keepalive body <= urgentRequestBytes, all <= urgentTotalBytes; the rest waits in storage', async () => {
  const local = new MemoryStorage();
  const p = page();
  const net = new FakeFetch();
  for (let i = 0; i < 20; i++) net.reply('hang');
  const a = setup({ ...p, maxBatchEvents: 1000, maxQueueEvents: 1000 }, { local, net });
  await a.tracker.ready;
  for (let i = 0; i < 400; i++) a.tracker.trackClick('portfolio.' + String(i).padStart(4, '0') + 'x'.repeat(200));
  await settle();
  assert.equal(net.requests.length, 0);
  p.document.hide();
  assert.ok(net.requests.length >= 4, `several keepalive requests (${net.requests.length})`);
  let total = 0;
  for (const r of net.requests) {
    const bytes = Buffer.byteLength(r.body);
    assert.ok(bytes <= 16384, `body of ${bytes} bytes`);
    assert.equal(r.init.keepalive, true);
    total += bytes;
  }
  assert.ok(total <= 61440, `total ${total}`);
  const sentAtUnload = new Set(ids(net.events));
  assert.ok(sentAtUnload.size < 400);

  const b = setup({ maxBatchEvents: 1000, maxQueueEvents: 1000 }, { local, clock: new FakeClock(a.clock.now() + 1000) });
  await b.tracker.ready;
  await b.tracker.flush();
  for (let i = 0; i < 20 && b.tracker.stats().queued > 0; i++) await b.clock.advance(10000);
  const all = ids(b.net.events);
  assert.equal(new Set(all).size, all.length, 'no duplicates within the second page');
  assert.equal(new Set([...all, ...sentAtUnload]).size, 400, 'every event sent at least once');
  assert.equal(b.tracker.stats().delivered, 400, 'unanswered unload requests are replayed, the rest sent');
  a.tracker.destroy();
  b.tracker.destroy();
});

test('storage that throws on every access: tracking works in memory, nothing thrown, errors counted', async () => {
  const s = setup({}, { local: new ThrowingStorage(), session: new ThrowingStorage() });
  assert.equal(await s.tracker.ready, true);
  s.tracker.trackView();
  s.tracker.optOut();
  s.tracker.optIn();
  for (let i = 0; i < 20; i++) s.tracker.trackClick('contact.phone');
  await settle();
  assert.equal(s.net.events.length, 20);
  const st = s.tracker.stats();
  assert.ok(st.shim.storageErrors > 0);
  assert.equal(st.shim.persistent, false);
  assert.equal(st.shim.errors, 0);
  s.tracker.destroy();
});

test('a full quota (setItem throws, getItem works) keeps the queue in memory for the page', async () => {
  const local = new MemoryStorage();
  local.setItem = () => { throw new DOMException('quota', 'QuotaExceededError'); };
  const s = setup({}, { local });
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  await s.clock.advance(10000);
  assert.equal(s.net.events.length, 1);
  assert.ok(s.tracker.stats().shim.storageErrors > 0);
  s.tracker.destroy();
});

test('a corrupt snapshot in storage is counted and ignored', async () => {
  const local = new MemoryStorage();
  local.setItem('clik:queue:myclik:public', '{"not":"a snapshot"');
  const s = setup({}, { local });
  assert.equal(await s.tracker.ready, true);
  assert.equal(s.tracker.stats().restoreErrors, 1);
  s.tracker.trackClick('contact.phone');
  await s.clock.advance(10000);
  assert.equal(s.net.events.length, 1);
  s.tracker.destroy();
});

test('the queue is written once per burst of calls, not once per call, and only what is new', async () => {
  const local = new MemoryStorage();
  const writes = [];
  const setItem = local.setItem.bind(local);
  local.setItem = (k, v) => { writes.push([k, v]); setItem(k, v); };
  const s = setup({}, { local });
  await s.tracker.ready;
  await settle();
  writes.length = 0;
  for (let i = 0; i < 10; i++) s.tracker.trackClick('contact.phone');
  await settle();
  const chunks = () => writes.filter(([k]) => k.includes('/'));
  assert.equal(chunks().length, 1, 'one chunk for the burst');
  assert.equal(writes.length, 2, '... and the head that names it');
  await settle();
  assert.equal(writes.length, 2, 'nothing changed: nothing written');
  for (let i = 0; i < 3; i++) s.tracker.trackClick('contact.email');
  await settle();
  assert.equal(chunks().length, 2);
  assert.equal(JSON.parse(chunks()[1][1]).events.length, 3, 'the second chunk holds the 3 new events, not all 13');
  assert.equal(writes.length, 3, 'the second burst wrote its chunk only: the head already names it');
  await s.clock.advance(61_000); // past HEAD_REFRESH_MS (and the 10 s flush: the queue is delivered)
  s.tracker.trackClick('contact.phone');
  await settle();
  const last = writes.at(-1);
  assert.ok(!last[0].includes('/') && last[1].startsWith('o:'), 'a burst a minute later also refreshes the head (its written-at time)');
  s.tracker.destroy();
});

test('session state: written at once for a new or renewed session id and at hide, last-seen times at most once a minute', async () => {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  const sessionWrites = [];
  const setItem = session.setItem.bind(session);
  session.setItem = (k, v) => { if (k.includes('session')) sessionWrites.push(v); setItem(k, v); };
  const p = page();
  const a = setup(p, { local, session });
  await a.tracker.ready;
  a.tracker.trackView();
  await settle();
  const id = a.tracker.sessionId();
  assert.equal(sessionWrites.length, 1, 'a new session id is written at once');
  assert.ok(sessionWrites[0].includes(id));
  for (let i = 0; i < 5; i++) {
    await a.clock.advance(10_000);
    a.tracker.trackClick('contact.phone');
    await settle();
  }
  assert.equal(sessionWrites.length, 1, 'bursts within a minute only move last-seen: not written');
  await a.clock.advance(15_000);
  a.tracker.trackClick('contact.phone');
  await settle();
  assert.equal(sessionWrites.length, 2, 'a minute after the last write, last-seen is written');
  await a.clock.advance(1000);
  a.tracker.trackClick('contact.email');
  await settle();
  assert.equal(sessionWrites.length, 2);
  p.document.hide();
  assert.equal(sessionWrites.length, 3, 'hide writes the latest last-seen');
  assert.equal(JSON.parse(sessionWrites[2]).s[0][3], a.clock.now());
  // 31 minutes later the session is renewed: its new id is written at once, and
  // a reload of the tab (crash, no hide) continues that session.
  await a.clock.advance(31 * 60_000);
  a.tracker.trackClick('contact.phone');
  await settle();
  const renewed = a.tracker.sessionId();
  assert.notEqual(renewed, id);
  assert.equal(sessionWrites.length, 4);
  assert.ok(sessionWrites[3].includes(renewed));
  const b = setup({}, { local, session, clock: new FakeClock(a.clock.now() + 1000) });
  await b.tracker.ready;
  assert.equal(b.tracker.sessionId(), renewed);
  a.tracker.destroy();
  b.tracker.destroy();
});

/** localStorage without length/key(i): a page can read only the keys it can name. */
class UnlistedStorage {
  constructor(map = new Map()) { this.map = map; }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

test('storage that cannot be listed: a reload finds every chunk from the one its head names', async () => {
  const local = new UnlistedStorage();
  const session = new MemoryStorage();
  const a = setup({}, { local, session, net: down() });
  await a.tracker.ready;
  for (let burst = 0; burst < 5; burst++) {
    for (let i = 0; i < 3; i++) a.tracker.trackClick(`portfolio.b${burst}_${i}`);
    await settle();
  }
  const chunkKeys = [...local.map.keys()].filter((k) => k.includes('/'));
  assert.equal(chunkKeys.length, 5, 'one chunk per burst');
  // The page dies (no hide); the tab reloads with the server back.
  const b = setup({}, { local, session, clock: new FakeClock(a.clock.now() + 1000) });
  await b.tracker.ready;
  assert.equal(b.tracker.stats().queued, 15);
  await b.clock.advance(10_000);
  assert.equal(new Set(ids(b.net.events)).size, 15);
  assert.equal(b.net.events.length, 15);
  a.tracker.destroy();
  b.tracker.destroy();
});

test('a head written by an older version (a list of chunk numbers) is still adopted', async () => {
  const local = new MemoryStorage();
  const a = setup({}, { local, net: down() });
  await a.tracker.ready;
  a.tracker.trackClick('contact.phone');
  await settle();
  a.tracker.trackClick('contact.email');
  await settle();
  const [head] = heads(local);
  assert.match(local.getItem(head), /^o:\d+:0\+$/);
  // As the previous version wrote it: closed, and its chunks listed.
  local.setItem(head, 'c:' + a.clock.now() + ':0,1');
  const b = setup({}, { local, clock: new FakeClock(a.clock.now() + 1000) });
  await b.tracker.ready;
  await b.clock.advance(10_000);
  assert.deepEqual(b.net.events.map((e) => e.data.clickTarget).sort(), ['contact.email', 'contact.phone']);
  assert.equal(local.getItem(head), null, 'the old head is removed once adopted');
  a.tracker.destroy();
  b.tracker.destroy();
});

// Tabs of one card share localStorage; each page keeps its own keys: a head
// (`clik:queue:<card>#<page>`) and the chunks it names (`.../<n>`).
const queueKeys = (local) => [...local.map.keys()].filter((k) => k.startsWith('clik:queue:'));
const heads = (local) => queueKeys(local).filter((k) => !k.includes('/'));
const down = () => { const net = new FakeFetch(); for (let i = 0; i < 50; i++) net.reply('network'); return net; };

test('two live tabs keep separate queues; a new tab leaves a live one alone until it has been silent 30 min', async () => {
  const local = new MemoryStorage();
  const a = setup({}, { local, net: down() });
  const b = setup({}, { local, net: down(), clock: a.clock });
  await a.tracker.ready;
  await b.tracker.ready;
  a.tracker.trackClick('contact.phone');
  b.tracker.trackClick('contact.email');
  await settle();
  assert.equal(heads(local).length, 2, 'keys per page: neither write erased the other');

  const c = setup({}, { local, clock: new FakeClock(a.clock.now() + 60_000) });
  await c.tracker.ready;
  assert.equal(c.tracker.stats().queued, 0, 'queues of live pages are not taken');
  c.tracker.destroy();

  // Both pages die without hide or pagehide (killed): after 30 min their queues are adopted.
  const d = setup({}, { local, clock: new FakeClock(a.clock.now() + 30 * 60_000) });
  await d.tracker.ready;
  const held = d.tracker.stats();
  assert.equal(held.queued + held.inFlight, 2, 'both queues adopted (overdue: already on their way)');
  await d.clock.advance(10_000);
  assert.deepEqual(d.net.events.map((e) => e.data.clickTarget).sort(), ['contact.email', 'contact.phone']);
  await settle();
  assert.deepEqual(queueKeys(local), [], 'delivered and adopted: no key left behind');
  a.tracker.destroy();
  b.tracker.destroy();
  d.tracker.destroy();
});

test('a live tab takes over the queue of a tab that closes (storage event) and delivers it', async () => {
  const local = new MemoryStorage();
  const pa = page();
  const pb = page();
  const a = setup(pa, { local, net: down() });
  const b = setup(pb, { local });
  await a.tracker.ready;
  await b.tracker.ready;
  a.tracker.trackClick('contact.phone');
  a.tracker.trackClick('portfolio.p1');
  pa.window.dispatchEvent(new Event('pagehide'));
  const [key] = heads(local);
  assert.ok(local.getItem(key).startsWith('c:'), 'the closing page marks its queue for adoption');
  // What the browser fires in every other tab of the origin.
  pb.window.dispatchEvent(Object.assign(new Event('storage'), { key, newValue: local.getItem(key) }));
  assert.equal(local.getItem(key), null, 'adopted: the closed page\'s head is removed');
  assert.deepEqual(queueKeys(local).filter((k) => k.startsWith(key)), [], '... and its chunks');
  assert.equal(b.tracker.stats().queued, 2);
  await b.clock.advance(10_000);
  assert.deepEqual(b.net.events.map((e) => e.data.clickTarget), ['contact.phone', 'portfolio.p1']);
  a.tracker.destroy();
  b.tracker.destroy();
});

test('a page shown again after hide takes its queue back (a hidden page may die: hidden marks it closed)', async () => {
  const local = new MemoryStorage();
  const p = page();
  const a = setup(p, { local, net: down() });
  await a.tracker.ready;
  a.tracker.trackClick('contact.phone');
  p.document.hide();
  const [key] = heads(local);
  assert.ok(local.getItem(key).startsWith('c:'));
  p.document.visibilityState = 'visible';
  p.document.dispatchEvent(new Event('visibilitychange'));
  assert.ok(local.getItem(key).startsWith('o:'), 'visible again: the queue is its own');
  a.tracker.destroy();
});

test('many bursts while the server is down: chunks stay bounded, a reload gets every event once', async () => {
  const local = new MemoryStorage();
  const session = new MemoryStorage();
  const a = setup({}, { local, session, net: down() });
  await a.tracker.ready;
  for (let burst = 0; burst < 40; burst++) {
    for (let i = 0; i < 3; i++) a.tracker.trackClick(`portfolio.b${burst}_${i}`);
    await settle();
    assert.ok(queueKeys(local).length - 1 <= 16, `at most MAX_CHUNKS chunks (${queueKeys(local).length - 1})`);
  }
  // The page dies (no hide); the tab reloads with the server back.
  const b = setup({}, { local, session, clock: new FakeClock(a.clock.now() + 1000) });
  await b.tracker.ready;
  for (let i = 0; i < 20 && b.tracker.stats().queued + b.tracker.stats().inFlight > 0; i++) await b.clock.advance(10_000);
  const targets = b.net.events.map((e) => e.data.clickTarget);
  assert.equal(targets.length, 120);
  assert.equal(new Set(ids(b.net.events)).size, 120, 'each event once');
  await settle();
  assert.deepEqual(queueKeys(local), [], 'all delivered: no key left behind');
  a.tracker.destroy();
  b.tracker.destroy();
});
