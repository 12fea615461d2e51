// No loss, no duplicates: the real SDK (createTracker over the real WASM core, in
// node with a virtual clock) against the dev gateway + PostgreSQL 15 through the
// fault proxy (see no-loss-harness.mjs for the faults and page lifecycle events).
// Prints the report and fails on any lost or duplicated event. The long version
// (>= 100 000 events) is bench/reliability/no-loss.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNoLoss } from './no-loss-harness.mjs';

const SEED = Number(process.env.CLIK_NO_LOSS_SEED ?? 7);

test(`the SDK under faults, reloads, crashes and outages: every accepted event stored exactly once (seed ${SEED})`, async () => {
  const report = await runNoLoss({ seed: SEED, browsers: 40, eventsPerBrowser: 100 });
  console.log(`no-loss report: ${JSON.stringify(report, null, 1)}`);
  assert.equal(report.drained, true, 'every tracker emptied its queue before the time limit');
  assert.equal(report.accepted, report.calls, 'the SDK accepted every call (valid input, tracking allowed)');
  assert.equal(report.lost, 0, `lost events: ${JSON.stringify(report.details)}`);
  assert.equal(report.duplicated, 0, `duplicated events: ${JSON.stringify(report.details)}`);
  // Nothing in this scenario is a reason to drop: valid events, a queue far from its
  // bound, no opt-out, nothing older than 6 days. (retries_exhausted is reported,
  // not asserted: it is the documented outcome of a long enough outage.)
  const { retries_exhausted: _exhausted, ...otherDrops } = report.droppedByPolicy;
  assert.ok(Object.values(otherDrops).every((n) => n === 0), `unexpected drops: ${JSON.stringify(report.droppedByPolicy)}`);
  assert.deepEqual(report.details.unknownMarkers, [], 'nothing stored that was not tracked');
  assert.deepEqual(report.details.reMintedIds, [], 'a retried event keeps its eventId');
  // the faults really happened
  for (const mode of ['drop', 'error', 'rate_limited', 'lost_response', 'slow', 'down']) {
    assert.ok(report.faults[mode] > 0, `fault ${mode} was injected (${JSON.stringify(report.faults)})`);
  }
  assert.ok(report.lifecycle.reloads > 0 && report.lifecycle.crashes > 0 && report.lifecycle.closes > 0, JSON.stringify(report.lifecycle));
  // counters follow the raw rows
  const c = report.counters;
  assert.equal(c.session_page_views, c.page_views);
  assert.equal(c.rollup_page_views, c.page_views);
  assert.equal(c.session_clicks, c.clicks);
  assert.equal(c.rollup_clicks, c.clicks);
});

// Two tabs of the same share page (same origin, same card) share one localStorage.
// Tab A closes while the server is down (its keepalive flush fails, its queue is
// saved), tab B then saves its own queue; A's events must survive B's writes and
// reach the server when the visitor comes back (found by this harness when both
// tabs wrote one shared key: js/src/persistence.mjs now keeps one key per page).
test('two tabs of one card, server down, one tab closes first: nothing lost', async () => {
  const { readFile } = await import('node:fs/promises');
  const { startStack } = await import('./support.mjs');
  const { startFaultProxy } = await import('../support/fault-proxy.mjs');
  const { createTracker } = await import(new URL('../../dist/index.mjs', import.meta.url).href);
  const wasmBinary = await readFile(new URL('../../dist/clik_core.wasm', import.meta.url));
  const stack = await startStack({ prefix: 'tabs' });
  const proxy = await startFaultProxy({ target: stack.gw.url });
  const { MemoryStorage: Mem } = await import('../js/harness.mjs');
  const local = new Mem(); // one origin: one localStorage for every tab
  const tab = async () => {
    const win = new EventTarget();
    const t = createTracker({ supabaseUrl: proxy.url, supabaseKey: stack.gw.anonKey, userCode: 'card_tabs', shareCode: 'public',
      localStorage: local, sessionStorage: new Mem(), window: win, document: null, navigator: { userAgent: 'tabs' },
      wasmBinary, respectDoNotTrack: false, console: { warn() {} } });
    await t.ready;
    return { t, close: () => { win.dispatchEvent(new Event('pagehide')); t.destroy(); } };
  };
  try {
    proxy.setDown(true);
    const a = await tab();
    const b = await tab();
    a.t.trackClick('contact.tab_a_1');
    a.t.trackClick('contact.tab_a_2');
    b.t.trackClick('contact.tab_b_1');
    await new Promise((r) => setTimeout(r, 100));
    a.close();
    b.t.trackClick('contact.tab_b_2');
    await new Promise((r) => setTimeout(r, 100));
    b.close();
    proxy.setDown(false);
    const c = await tab(); // the visitor comes back later
    await c.t.flush();
    for (let i = 0; i < 50 && c.t.stats().queued + c.t.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    c.close();
    const rows = await stack.sql(`select click_target from analytics.clicks where click_target like 'contact.tab_%' order by 1`);
    assert.deepEqual(rows.map((r) => r.click_target), ['contact.tab_a_1', 'contact.tab_a_2', 'contact.tab_b_1', 'contact.tab_b_2']);
  } finally {
    await proxy.close();
    await stack.close();
  }
});
