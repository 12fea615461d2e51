// The tracker never breaks the page: bad options are a clear TypeError at
// creation; bad track arguments, a core that cannot load and a throwing
// transport are values and counters, never exceptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, createTracker, pkg, wasmBinary, FakeClock } from './harness.mjs';

test('structurally bad options throw a TypeError naming the problem', () => {
  const base = { userCode: 'u', shareCode: 's', transport: () => 200 };
  const cases = [
    [undefined, /options object/],
    [{ ...base, transport: undefined }, /supabaseUrl \+ supabaseKey, a supabaseClient, or a transport/],
    [{ ...base, supabaseUrl: 'https://x.test', supabaseKey: 'k' }, /only one of/],
    [{ userCode: 'u', shareCode: 's', supabaseUrl: 'https://x.test' }, /go together/],
    [{ userCode: 'u', shareCode: 's', supabaseUrl: 'not a url', supabaseKey: 'k' }, /not an http\(s\) URL/],
    [{ ...base, userCode: undefined }, /userCode is required/],
    [{ ...base, shareCode: 42 }, /shareCode must be a string/],
    [{ ...base, maxBatchEvents: '20' }, /maxBatchEvents must be a finite number/],
    [{ ...base, flushIntervalMs: NaN }, /flushIntervalMs must be a finite number/],
    [{ ...base, flushIntervall: 5 }, /unknown option "flushIntervall"/],
    [{ ...base, supabaseClient: {} , transport: undefined }, /rpc/],
    [{ ...base, autocapture: 'yes' }, /autocapture/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => createTracker(options), (e) => e instanceof TypeError && message.test(e.message), String(message));
  }
});

test('an out-of-range option (judged by the core) makes the tracker inert with one warning', async () => {
  const s = setup({ maxBatchEvents: -5 });
  assert.equal(await s.tracker.ready, false);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0], /invalid option: .*maxBatchEvents/);
  s.tracker.trackClick('contact.phone');
  await s.tracker.flush();
  assert.equal(s.net.requests.length, 0);
  assert.equal(s.tracker.stats().shim.state, 'inert');
  s.tracker.destroy();
});

test('a core that cannot load (broken wasm, e.g. CSP without wasm-unsafe-eval): one warning, inert, no throw', async () => {
  const s = setup({ wasmBinary: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) });
  s.tracker.trackView();
  assert.equal(await s.tracker.ready, false);
  s.tracker.trackClick('contact.phone');
  s.tracker.trackPageView('page.home');
  s.tracker.optOut();
  s.tracker.optIn();
  await s.tracker.flush();
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0], /WebAssembly core could not load/);
  const st = s.tracker.stats();
  assert.equal(st.shim.state, 'inert');
  assert.equal(st.tracked, 0);
  assert.equal(s.tracker.sessionId(), '');
  s.tracker.destroy();
});

test('a custom loadCore that rejects (the script-tag seam) gives the same inert tracker', async () => {
  const warnings = [];
  const t = createTracker(
    { userCode: 'u', shareCode: 's', transport: () => 200, console: { warn: (m) => warnings.push(m) }, window: null, document: null },
    { loadCore: () => Promise.reject(new Error('CompileError: WebAssembly.instantiate(): Refused to compile')) },
  );
  assert.equal(await t.ready, false);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /Refused to compile/);
  t.destroy();
});

test('bad track arguments never throw; they are counted by the core; valid events around them are kept', async () => {
  const s = setup();
  await s.tracker.ready;
  const bad = [undefined, null, 42, {}, [], '', Symbol('x'), () => 1];
  for (const v of bad) {
    assert.doesNotThrow(() => s.tracker.trackClick(v));
    assert.doesNotThrow(() => s.tracker.trackPageView(v));
  }
  s.tracker.trackClick('contact.phone');
  s.tracker.trackPageView('\uD800lone surrogate');
  await s.clock.advance(10000);
  const st = s.tracker.stats();
  assert.ok(st.invalidCalls >= 10, `invalidCalls ${st.invalidCalls}`);
  assert.ok(s.net.events.some((e) => e.data.clickTarget === 'contact.phone'));
  assert.equal(st.shim.errors, 0);
  s.tracker.destroy();
});

test('a transport that throws synchronously or returns garbage is a failed request, not a page error', async () => {
  let calls = 0;
  const clock = new FakeClock();
  const t = createTracker({
    userCode: 'u', shareCode: 's', wasmBinary, window: null, document: null,
    now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, localStorage: null, sessionStorage: null,
    transport: () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      if (calls === 2) return Promise.reject('not an error object');
      return { status: 200 };
    },
  });
  await t.ready;
  t.trackClick('contact.phone');
  for (let i = 0; i < 20 && calls < 3; i++) await clock.advance(10000);
  await settle();
  assert.equal(calls, 3);
  assert.equal(t.stats().delivered, 1);
  assert.equal(t.stats().shim.errors, 1, 'a rejection with a non-error is counted as a shim error');
  t.destroy();
});

test('destroy() stops timers and makes every method a no-op', async () => {
  const s = setup();
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  await settle();
  assert.equal(s.clock.pendingTimers, 1);
  s.tracker.destroy();
  assert.equal(s.clock.pendingTimers, 0);
  s.tracker.trackClick('contact.phone');
  await s.tracker.flush();
  s.tracker.destroy();
  assert.equal(s.net.requests.length, 0);
  assert.equal(s.tracker.stats().shim.state, 'destroyed');
});

test('the package exports what index.d.ts declares', () => {
  for (const name of ['createTracker', 'loadCore', 'defaultPageType', 'init', 'analyticsBatcher', 'getOrCreateSessionId', 'trackView', 'trackPageView', 'trackClick']) {
    assert.ok(name in pkg, name);
  }
});
