// The main job end to end, with nothing faked: the demo stack (dev gateway
// over a real PostgreSQL 15, the share page with the script-tag build, the
// owner's dashboard) driven by Debian's Chromium. The page and the RPC
// endpoint are on different origins, as in production.
//
// Every assertion is on what PostgreSQL holds: the exact multiset of events a
// visit produced, each stored once (by eventId), and the dashboard's figures
// equal to counts over the raw tables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster } from '../support/pg-cluster.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { startDemoStack, DEMO_CARD } from '../../examples/demo-stack.mjs';
import { rawCounts } from '../../examples/simulate.mjs';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

let pg, stack, browser;
before(async () => {
  pg = await startCluster();
  stack = await startDemoStack({ databaseUrl: pg.url });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.close();
  pg?.stop();
});

/** What PostgreSQL holds for one contact of the demo card, in a comparable form. */
async function storedFor(contactId) {
  const q = (sql) => stack.gateway.query(sql, [DEMO_CARD.userCode, contactId]);
  const where = 'WHERE user_code = $1 AND contact_id = $2';
  const [sessions, views, clicks, ids] = await Promise.all([
    q(`SELECT count(*)::int AS n, count(DISTINCT session_id)::int AS distinct_sessions FROM analytics.session_events ${where}`),
    q(`SELECT page_type FROM analytics.page_views ${where} ORDER BY page_type`),
    q(`SELECT click_target FROM analytics.clicks ${where} ORDER BY click_target`),
    q(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_ids FROM (
         SELECT event_id FROM analytics.session_events ${where}
         UNION ALL SELECT event_id FROM analytics.page_views ${where}
         UNION ALL SELECT event_id FROM analytics.clicks ${where}) e`),
  ]);
  return {
    sessionEvents: sessions[0].n,
    sessions: sessions[0].distinct_sessions,
    pageViews: views.map((r) => r.page_type),
    clicks: clicks.map((r) => r.click_target),
    rows: ids[0].n,
    distinctEventIds: ids[0].distinct_ids,
  };
}

/** Polls until PostgreSQL holds `expected` for the contact (or the deadline passes), then checks it stays so. */
async function expectStored(contactId, expected, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let got;
  for (;;) {
    got = await storedFor(contactId);
    const rowsExpected = expected.sessionEvents + expected.pageViews.length + expected.clicks.length;
    if (got.rows >= rowsExpected || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // A late duplicate (a replay from storage, a retried batch) would show up after the first arrival.
  await new Promise((r) => setTimeout(r, 1500));
  got = await storedFor(contactId);
  assert.deepEqual(
    { ...got },
    {
      ...expected,
      pageViews: [...expected.pageViews].sort(),
      clicks: [...expected.clicks].sort(),
      rows: expected.sessionEvents + expected.pageViews.length + expected.clicks.length,
      distinctEventIds: expected.sessionEvents + expected.pageViews.length + expected.clicks.length,
    },
  );
}

async function openCard(page, contactId) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(`${stack.shareUrl}?contact=${encodeURIComponent(contactId)}`);
  // The live SDK replaces the queueing stub (whose calls sit in window.clik.q).
  await page.waitForFunction(() => typeof window.clik === 'function' && !Array.isArray(window.clik.q), null, { timeout: 20_000 });
  return errors;
}

test('a visit (clicks, tab switches, navigating away) arrives exactly once by eventId', async () => {
  const page = await browser.newPage();
  const errors = await openCard(page, 'e2e-visit');
  await page.click('#save-contact');
  await page.click('#ask-agent');
  await page.click('[data-page="portfolio"]');
  await page.click('[data-clik-track="portfolio.wardRounds"]');
  await page.click('[data-page="contact"]');
  // pagehide: the urgent flush hands the queue to keepalive fetches.
  await page.goto('about:blank');
  await expectStored('e2e-visit', {
    sessionEvents: 1,
    sessions: 1,
    pageViews: ['home', 'portfolio', 'contact'],
    clicks: ['contact.saveVcard', 'aiAgent', 'portfolio.wardRounds'],
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('hiding the tab sends what is queued without waiting for the 10 s timer', async () => {
  const page = await browser.newPage();
  const errors = await openCard(page, 'e2e-hidden');
  await page.click('#ask-agent');
  // Headless Chromium never hides a page (bringToFront of another tab, a
  // minimised window and CDP lifecycle freezing all leave it 'visible'), so
  // the test makes the document report 'hidden' and fires the event the
  // browser would fire; what the SDK then sends is a real keepalive fetch.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expectStored('e2e-hidden', { sessionEvents: 1, sessions: 1, pageViews: ['home'], clicks: ['aiAgent'] }, { timeoutMs: 8_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('reloading while the server is down loses nothing once it is back', async () => {
  const page = await browser.newPage();
  await stack.gateway.pause();
  try {
    await openCard(page, 'e2e-offline');
    await page.click('#save-contact');
    await page.click('#ask-agent');
    await page.reload(); // the keepalive requests fail: the queue survives in localStorage
    await page.waitForFunction(() => typeof window.clik === 'function' && !Array.isArray(window.clik.q), null, { timeout: 20_000 });
    await page.click('[data-page="profile"]');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await storedFor('e2e-offline')).rows, 0, 'nothing can have arrived while the server was down');
  } finally {
    await stack.gateway.resume();
  }
  // No help from the test: the SDK's own retry schedule brings everything in.
  await expectStored(
    'e2e-offline',
    {
      sessionEvents: 2, // one per page load, in the same session (30-minute rule)
      sessions: 1,
      pageViews: ['home', 'home', 'profile'],
      clicks: ['contact.saveVcard', 'aiAgent'],
    },
    { timeoutMs: 120_000 },
  );
  await page.close();
});

test('the owner dashboard renders the stored numbers', async () => {
  const [totals] = await rawCounts(stack.gateway);
  assert.equal(totals.clicks, 6, 'the visits above stored their clicks');
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(stack.dashboardUrl);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 20_000 });
  const shown = async (id) => Number((await page.textContent(`[data-testid="${id}"]`)).replace(/\D/g, ''));
  assert.equal(await shown('total-sessions'), totals.sessions);
  assert.equal(await shown('total-pageviews'), totals.pageViews);
  assert.equal(await shown('total-clicks'), totals.clicks);
  // Charts are drawn by uPlot: a canvas per chart, not an empty frame.
  assert.ok((await page.locator('canvas').count()) >= 1, 'uPlot drew a chart');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'e2e-dashboard.png'), fullPage: true });
  await page.close();
});
