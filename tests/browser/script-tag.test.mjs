// The script-tag build (dist/script/) in Debian's Chromium, against the dev
// gateway over a real PostgreSQL 15 on another origin (CORS preflight with JSON
// + apikey on every call). Assertions are on what PostgreSQL stores, compared
// with the RPC bodies Chromium reports having sent (observed, not intercepted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, pageHtml, openPage, waitForLiveClik, sentEvents, storedRows, waitForRows } from './stack.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.close(); });

/** Rows stored for a contact: every eventId once, and the same set the browser sent for it. */
function assertExactlyOnce(rows, contactId) {
  const ids = rows.map((r) => r.eventId);
  assert.equal(new Set(ids).size, ids.length, `no eventId stored twice for ${contactId}`);
  const sent = sentEvents(stack);
  const sentForContact = [...sent.keys()].filter((id) => ids.includes(id));
  assert.deepEqual(new Set(sentForContact), new Set(ids), 'every stored eventId was sent by the page');
}
const countBy = (rows) => rows.reduce((m, r) => ({ ...m, [r.type]: (m[r.type] ?? 0) + 1 }), {});
const details = (rows, type) => rows.filter((r) => r.type === type).map((r) => r.detail).sort();

test('a visit: tracked clicks and navigating away (pagehide keepalive) arrive exactly once by eventId', async () => {
  const contactId = 'visit';
  stack.web.setPage(contactId, pageHtml({
    stack, contactId,
    inline: "clik('trackView'); clik('trackPageView', 'page.home');",
  }));
  const before = stack.rpcBodies.length;
  const { page, warnings, errors } = await openPage(stack, contactId);
  await page.click('#phone');
  await page.click('#whatsapp');
  await page.click('#portfolio');
  await page.click('#agent-label'); // a child of the tracked element counts for it
  await page.click('#untracked');
  await page.evaluate(() => clik('trackPageView', 'page.portfolio'));
  // Fewer than 20 events and well inside 10 s: nothing has been sent yet, so
  // what arrives below was handed over at pagehide.
  assert.equal((await storedRows(stack, contactId)).length, 0, 'nothing flushed before leaving');
  await page.goto('about:blank');
  const rows = await waitForRows(stack, contactId, 7);
  assert.deepEqual(countBy(rows), { session: 1, page_view: 2, click: 4 });
  assert.deepEqual(details(rows, 'click'), ['aiAgent', 'contact.phone', 'portfolio.wardRounds', 'socialMessaging.whatsapp']);
  assert.deepEqual(details(rows, 'page_view'), ['home', 'portfolio']);
  assertExactlyOnce(rows, contactId);
  assert.ok(stack.rpcBodies.length > before, 'the page sent RPC calls');
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);

  // Coming back: events handed over at unload may be replayed from storage
  // (they stay in the snapshot until confirmed); the server's dedupe keeps them once.
  await page.goto(`${stack.web.url}/p/${contactId}`);
  await waitForLiveClik(page);
  await page.click('#phone');
  await page.goto('about:blank');
  const again = await waitForRows(stack, contactId, 10);
  assert.deepEqual(countBy(again), { session: 2, page_view: 3, click: 5 });
  assertExactlyOnce(again, contactId);
  const [session] = await stack.gateway.query(
    'SELECT count(*)::int AS n, sum(page_views)::int AS page_views, sum(clicks)::int AS clicks FROM analytics.sessions WHERE user_code = $1 AND contact_id = $2',
    ['browsertest', contactId],
  );
  assert.deepEqual(session, { n: 1, page_views: 3, clicks: 5 }, 'one session (30-minute rule) with exact counters');
  await page.close();
});

test('calls made through the stub before the script loads are replayed in order, none lost', async () => {
  const contactId = 'stub';
  stack.web.setPage(contactId, pageHtml({
    stack, contactId,
    inline: `clik('trackView'); clik('trackPageView', 'page.portfolio'); clik('trackClick', 'contact.phone');
             window.queuedAtStart = window.clik.q.length;
             setTimeout(function () { window.queuedLater = !window.clik.live; clik('trackClick', 'contact.email'); clik('flush'); }, 300);`,
  }));
  stack.web.scriptDelayMs = 1500; // the script arrives well after the calls
  try {
    const { page, warnings, errors } = await openPage(stack, contactId);
    assert.equal(await page.evaluate(() => window.queuedAtStart), 3);
    assert.equal(await page.evaluate(() => window.queuedLater), true, 'the 300 ms calls also went to the stub');
    assert.equal(await page.evaluate(() => 'q' in window.clik), false, 'the live dispatcher replaced the stub');
    const rows = await waitForRows(stack, contactId, 4, { timeoutMs: 15_000 }); // the queued flush sends them
    assert.deepEqual(countBy(rows), { session: 1, page_view: 1, click: 2 });
    assert.deepEqual(details(rows, 'click'), ['contact.email', 'contact.phone']);
    assertExactlyOnce(rows, contactId);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    await page.close();
  } finally {
    stack.web.scriptDelayMs = 0;
  }
});

test('optOut through the stub persists: later clicks and later page loads send nothing, until optIn', async () => {
  const contactId = 'optout';
  stack.web.setPage(contactId, pageHtml({ stack, contactId, inline: "clik('optOut'); clik('trackView');" }));
  const { page, errors } = await openPage(stack, contactId);
  await page.click('#phone');
  await page.reload();
  await waitForLiveClik(page);
  await page.click('#whatsapp');
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await storedRows(stack, contactId)).length, 0);
  // The choice is per site (localStorage), not per page: opt back in for the tests after this one.
  await page.goto(`${stack.web.url}/p/${contactId}`);
  await waitForLiveClik(page);
  await page.evaluate(() => clik('optIn'));
  await page.click('#agent');
  await page.goto('about:blank');
  const rows = await waitForRows(stack, contactId, 1);
  assert.deepEqual(countBy(rows), { click: 1 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a CSP without wasm-unsafe-eval: one console.warn, no page error, clik() stays callable', async () => {
  const contactId = 'csp';
  stack.web.setPage(
    contactId,
    pageHtml({ stack, contactId, inline: "clik('trackView'); window.pageScriptRan = true;" }),
    { 'content-security-policy': `default-src 'self'; script-src 'self' 'unsafe-inline'; connect-src 'self' ${stack.gateway.url}` },
  );
  const { page, warnings, errors } = await openPage(stack, contactId);
  await page.click('#phone');
  assert.equal(await page.evaluate(() => { clik('trackClick', 'contact.email'); clik('flush'); return window.pageScriptRan; }), true);
  await page.waitForTimeout(1000);
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(errors, []);
  assert.equal(warnings.length, 1, `exactly one warning, got ${JSON.stringify(warnings)}`);
  assert.match(warnings[0], /clik-analytics/);
  assert.equal((await storedRows(stack, contactId)).length, 0, 'an inert tracker sends nothing');
  await page.close();
});

/** The live tracker's stats, read through the dispatcher. */
const trackerStats = (page) => page.evaluate(() => new Promise((resolve) => clik((t) => resolve(t.stats()))));

test('full 20-event batches are sent by the request worker (a blob: worker), stored exactly once', async () => {
  const contactId = 'worker';
  stack.web.setPage(contactId, pageHtml({ stack, contactId, inline: "clik('trackView');" }));
  const { page, warnings, errors } = await openPage(stack, contactId);
  // 1 session + 39 clicks: full 20-event batches leave at once, well before
  // the 10 s timer (the first may also carry events earlier tests on this
  // origin left in localStorage, so at least 20 of ours arrive, not exactly 40).
  await page.evaluate(() => { for (let i = 0; i < 39; i++) clik('trackClick', 'portfolio.p' + i); });
  const rows = await waitForRows(stack, contactId, 20, { timeoutMs: 8000, settleMs: 300 });
  assert.ok(rows.length >= 20, `full batches arrived without a page hide or the timer (${rows.length} rows)`);
  assertExactlyOnce(rows, contactId);
  const st = await trackerStats(page);
  assert.equal(st.shim.requestsFrom, 'worker');
  assert.ok(st.delivered >= 20);
  assert.equal(st.shim.errors, 0);
  const workers = page.workers().map((w) => w.url());
  assert.equal(workers.length, 1, `one worker, got ${JSON.stringify(workers)}`);
  assert.match(workers[0], /^blob:/);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  await page.close();
});

test('a CSP that allows the wasm but no blob: worker: the page sends the batches itself, nothing lost, no warning', async () => {
  const contactId = 'csp-noworker';
  stack.web.setPage(
    contactId,
    pageHtml({ stack, contactId, inline: "clik('trackView');" }),
    { 'content-security-policy': `default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; connect-src 'self' ${stack.gateway.url} ${stack.rpcUrl}` },
  );
  const { page, warnings, errors } = await openPage(stack, contactId);
  await page.evaluate(() => { for (let i = 0; i < 39; i++) clik('trackClick', 'portfolio.p' + i); });
  const rows = await waitForRows(stack, contactId, 20, { timeoutMs: 8000, settleMs: 300 });
  assert.ok(rows.length >= 20, `full batches arrived before the timer (${rows.length} rows)`);
  await page.click('#phone');
  const st = await trackerStats(page);
  assert.equal(st.shim.requestsFrom, 'page');
  assert.equal(st.shim.errors, 0);
  assert.deepEqual(page.workers(), []);
  await page.goto('about:blank');
  const all = await waitForRows(stack, contactId, 41);
  assert.equal(all.length, 41, 'the rest arrived at pagehide');
  assertExactlyOnce(all, contactId);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  await page.close();
});

test('localStorage that throws on every call: events still arrive, no page error', async () => {
  const contactId = 'nostorage';
  const head = `<script>
    (function () {
      function deny() { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }
      ['getItem', 'setItem', 'removeItem', 'key', 'clear'].forEach(function (m) { Storage.prototype[m] = deny; });
    })();
  </script>`;
  stack.web.setPage(contactId, pageHtml({ stack, contactId, head, inline: "clik('trackView');" }));
  const { page, errors } = await openPage(stack, contactId);
  await page.click('#phone');
  await page.click('#agent');
  await page.goto('about:blank');
  const rows = await waitForRows(stack, contactId, 3);
  assert.deepEqual(countBy(rows), { session: 1, click: 2 });
  assertExactlyOnce(rows, contactId);
  assert.deepEqual(errors, []);
  await page.close();
});

test('reload while the server is down, then it comes back: nothing lost, nothing twice', async () => {
  const contactId = 'offline';
  stack.web.setPage(contactId, pageHtml({ stack, contactId, inline: "clik('trackView'); clik('trackPageView', 'page.home');" }));
  await stack.gateway.pause();
  let page;
  try {
    const opened = await openPage(stack, contactId);
    page = opened.page;
    await page.click('#phone');
    await page.click('#portfolio');
    await page.reload(); // the keepalive requests fail: the queue survives in localStorage
    await waitForLiveClik(page);
    await page.click('#agent');
    await page.waitForTimeout(1000);
    assert.equal((await storedRows(stack, contactId)).length, 0, 'nothing can have arrived while the server was down');
    assert.deepEqual(opened.errors, []);
  } finally {
    await stack.gateway.resume();
  }
  // The SDK's own retry schedule brings it all in; the test only waits.
  const rows = await waitForRows(stack, contactId, 7, { timeoutMs: 120_000 });
  assert.deepEqual(countBy(rows), { session: 2, page_view: 2, click: 3 });
  assertExactlyOnce(rows, contactId);
  await page.close();
});

test('two tabs of one card, server down, one tab closes: the other takes over its queue, nothing lost', async () => {
  // One origin, one localStorage: each page keeps its own queue key, and a
  // closing page's queue is adopted by the live one (the storage event).
  const contactId = 'two-tabs';
  stack.web.setPage(contactId, pageHtml({ stack, contactId, inline: "clik('trackView'); clik('trackPageView', 'page.home');" }));
  await stack.gateway.pause();
  let a, b;
  try {
    a = await openPage(stack, contactId);
    b = await openPage(stack, contactId);
    await a.page.click('#phone');
    await a.page.click('#portfolio');
    await b.page.click('#whatsapp');
    await a.page.close(); // pagehide: its keepalive requests fail, its queue is handed over
    await b.page.click('#agent');
    await b.page.waitForTimeout(1000);
    assert.equal((await storedRows(stack, contactId)).length, 0, 'nothing can have arrived while the server was down');
    assert.deepEqual([...a.errors, ...b.errors], []);
  } finally {
    await stack.gateway.resume();
  }
  // Tab B's own retry schedule delivers both tabs' events; the test only waits.
  const rows = await waitForRows(stack, contactId, 8, { timeoutMs: 120_000 });
  assert.deepEqual(countBy(rows), { session: 2, page_view: 2, click: 4 });
  assert.deepEqual(details(rows, 'click'), ['aiAgent', 'contact.phone', 'portfolio.wardRounds', 'socialMessaging.whatsapp']);
  assertExactlyOnce(rows, contactId);
  await b.page.close();
});
