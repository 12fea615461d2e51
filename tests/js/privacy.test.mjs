// Consent: optOut/optIn persisted (no cookies), Do Not Track and Global
// Privacy Control honoured unless respectDoNotTrack: false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, MemoryStorage } from './harness.mjs';

test('optOut drops the queue, sends nothing, survives a reload; optIn resumes', async () => {
  const local = new MemoryStorage();
  const a = setup({}, { local });
  await a.tracker.ready;
  a.tracker.trackClick('contact.phone');
  a.tracker.optOut();
  a.tracker.trackClick('contact.email');
  await a.clock.advance(60000);
  assert.equal(a.net.requests.length, 0);
  const st = a.tracker.stats();
  assert.equal(st.dropped.opt_out, 1);
  assert.equal(st.queued, 0);
  a.tracker.destroy();

  const b = setup({}, { local });
  await b.tracker.ready;
  for (let i = 0; i < 25; i++) b.tracker.trackClick('contact.phone');
  await b.clock.advance(60000);
  assert.equal(b.net.requests.length, 0, 'the opt-out is persisted');
  b.tracker.optIn();
  b.tracker.trackClick('aiAgent');
  await b.clock.advance(10000);
  assert.equal(b.net.events.length, 1);
  assert.equal(b.net.events[0].data.clickTarget, 'aiAgent');
  b.tracker.destroy();
});

test('optOut called before the core loads still prevents everything queued before it', async () => {
  const s = setup();
  s.tracker.trackClick('contact.phone');
  s.tracker.optOut();
  await s.tracker.ready;
  await s.clock.advance(60000);
  assert.equal(s.net.requests.length, 0);
  s.tracker.destroy();
});

for (const [name, navigator] of [
  ['Do Not Track', { userAgent: 'UA', doNotTrack: '1' }],
  ['Global Privacy Control', { userAgent: 'UA', globalPrivacyControl: true }],
]) {
  test(`${name} disables tracking by default, not with respectDoNotTrack: false, and optIn overrides it`, async () => {
    const off = setup({ navigator });
    await off.tracker.ready;
    off.tracker.trackClick('contact.phone');
    await off.clock.advance(20000);
    assert.equal(off.net.requests.length, 0);
    off.tracker.optIn();
    off.tracker.trackClick('contact.phone');
    await off.clock.advance(20000);
    assert.equal(off.net.requests.length, 1, 'explicit consent wins');
    off.tracker.destroy();

    const on = setup({ navigator, respectDoNotTrack: false });
    await on.tracker.ready;
    on.tracker.trackClick('contact.phone');
    await on.clock.advance(20000);
    assert.equal(on.net.requests.length, 1);
    on.tracker.destroy();
  });
}

test('no cookies: fetch is called with credentials omitted', async () => {
  const s = setup();
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  await s.clock.advance(10000);
  assert.equal(s.net.requests[0].init.credentials, 'omit');
  await settle();
  s.tracker.destroy();
});
