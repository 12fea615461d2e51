// No loss, no duplicates in a real browser: Debian's Chromium loads a share page
// with the script-tag build (dist/script/) from one origin; the RPC goes to
// another origin through the fault proxy (drops, 5xx, 429 + Retry-After, lost
// responses, slow answers) to the dev gateway over PostgreSQL 15. Each tab clicks
// tracked targets and is then reloaded, navigated away and back, or closed, while
// its requests are in flight; the final visit of every tab lets the SDK send what
// the previous pages left in localStorage. Every click carries a unique marker:
// each must be stored exactly once.
// Each tab shows a different card: two tabs of ONE card share a queue key (see the
// TODO test in no-loss.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../support/chromium.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';
import { startStack, prng } from './support.mjs';

const SEED = Number(process.env.CLIK_NO_LOSS_SEED ?? 7);
const TABS = 3;
const ROUNDS = 10;
const scriptDir = fileURLToPath(new URL('../../dist/script', import.meta.url));

let stack;
let proxy;
let web;
let browser;

function pageHtml(card) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>card ${card}</title>
<script>window.clik=window.clik||function(){(window.clik.q=window.clik.q||[]).push(arguments)};</script>
<script async src="/script/clik.js" data-supabase-url="${proxy.url}" data-supabase-key="${stack.gw.anonKey}"
  data-user-code="${card}" data-share-code="public"></script></head>
<body><script>clik('trackView');</script></body></html>`;
}

/** Pages and dist/script/ on their own origin (so every RPC is cross-origin). */
async function startWeb() {
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    try {
      if (path.startsWith('/card/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(pageHtml(path.slice('/card/'.length)));
      }
      const file = normalize(join(scriptDir, path.slice('/script/'.length)));
      if (path.startsWith('/script/') && file.startsWith(scriptDir + '/')) {
        const type = extname(file) === '.wasm' ? 'application/wasm' : 'text/javascript; charset=utf-8';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        return res.end(await readFile(file));
      }
    } catch { /* fall through to 404 */ }
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => { server.closeAllConnections?.(); return new Promise((r) => server.close(r)); },
  };
}

before(async () => {
  stack = await startStack({ prefix: 'chr', settings: { rate_limit_ip_calls: null, rate_limit_user_code_events: null } });
  proxy = await startFaultProxy({
    target: stack.gw.url, seed: SEED, slowMs: 2000, retryAfterSeconds: 1,
    weights: { ok: 60, drop: 6, error: 8, rate_limited: 6, lost_response: 10, slow: 4 },
  });
  web = await startWeb();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await web?.close();
  await proxy?.close();
  await stack?.close();
});

const live = (page) => page.waitForFunction(() => window.clik && window.clik.live === true, null, { timeout: 60000 });
const stats = (page) => page.evaluate(() => new Promise((resolve) => window.clik((t) => resolve(t.stats()))));

test(`Chromium: reloads, navigations and closes mid-flight through faults: every click stored exactly once (seed ${SEED})`, async () => {
  const random = prng(SEED);
  const markers = [];
  const lifecycle = { reload: 0, navigate: 0, close: 0, stay: 0 };
  const tabs = [];
  for (let i = 0; i < TABS; i++) {
    const page = await browser.newPage();
    await page.goto(`${web.url}/card/chr_${i}`);
    await live(page);
    tabs.push({ i, page, n: 0 });
  }
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(tabs.map(async (tab) => {
      const k = 5 + Math.floor(random() * 30); // past 20, a flush is in flight when the page goes
      const mine = Array.from({ length: k }, () => `contact.c${tab.i}_${tab.n++}`);
      markers.push(...mine);
      await tab.page.evaluate((ms) => { for (const m of ms) window.clik('trackClick', m); }, mine);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      const r = random();
      const url = `${web.url}/card/chr_${tab.i}`;
      if (r < 0.35) {
        lifecycle.reload++;
        await tab.page.reload();
      } else if (r < 0.6) {
        lifecycle.navigate++;
        await tab.page.goto('about:blank');
        await tab.page.goto(url);
      } else if (r < 0.8) {
        lifecycle.close++;
        await tab.page.close();
        tab.page = await browser.newPage();
        await tab.page.goto(url);
      } else {
        lifecycle.stay++;
      }
      await live(tab.page);
    }));
  }
  // The last visit: wait until every tab's SDK has nothing left to send.
  const deadline = Date.now() + 180000;
  for (const tab of tabs) {
    for (;;) {
      const s = await stats(tab.page);
      if (s.queued + s.inFlight === 0) break;
      assert.ok(Date.now() < deadline, `tab ${tab.i} still holds ${s.queued} queued / ${s.inFlight} in flight`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const droppedNow = await Promise.all(tabs.map((t) => stats(t.page).then((s) => s.dropped)));
  for (const tab of tabs) await tab.page.close();

  const rows = await stack.sql(`select click_target as m, count(*)::int as n from analytics.clicks group by 1`);
  const stored = new Map(rows.map((r) => [r.m, r.n]));
  const lost = markers.filter((m) => !stored.has(m));
  const duplicated = [...stored].filter(([, n]) => n > 1).map(([m, n]) => `${m} x${n}`);
  const report = { accepted: markers.length, stored: stored.size, lost: lost.length, duplicated: duplicated.length,
    lifecycle, faults: { ...proxy.counts }, droppedInLastPages: droppedNow };
  console.log(`chromium no-loss report: ${JSON.stringify(report)}`);
  assert.deepEqual(lost, [], 'every click stored');
  assert.deepEqual(duplicated, [], 'no click stored twice');
  assert.ok(proxy.counts.lost_response > 0 && proxy.counts.error > 0 && proxy.counts.drop > 0, 'the faults happened');
  assert.ok(proxy.counts.preflight > 0, 'the RPC was cross-origin (CORS preflight)');
});
