// CORS checked by a real browser: a page on another origin (as a share page is)
// calls the gateway with fetch and supabase-js's headers, including a keepalive
// request, and reads a 429's Retry-After. Chromium enforces what the headers allow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { fixtureGateway } from './support.mjs';

let ctx;
let page;
let browser;
let pageServer;
let profile;
before(async () => {
  ctx = await fixtureGateway();
  pageServer = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>share page</title>');
  });
  await new Promise((r) => pageServer.listen(0, '127.0.0.1', r));
  profile = mkdtempSync(join(tmpdir(), 'clik-gw-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  // "localhost" vs the gateway's "127.0.0.1": a different origin, like a share page's
  await page.goto(`http://localhost:${pageServer.address().port}/`);
});
after(async () => {
  await browser?.close();
  pageServer?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await ctx?.close();
});

async function callFromPage(fn, body, extra = {}) {
  return page.evaluate(async ({ url, key, fn, body, extra }) => {
    try {
      const res = await fetch(`${url}/rest/v1/rpc/${fn}`, {
        method: 'POST',
        headers: {
          apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json',
          'content-profile': 'public', 'x-client-info': 'supabase-js-web/2',
        },
        body: JSON.stringify(body),
        ...extra,
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    } catch (e) {
      return { failed: String(e) };
    }
  }, { url: ctx.gw.url, key: ctx.gw.anonKey, fn, body, extra });
}

test('a cross-origin page can call an RPC with supabase-js\'s headers and read the result', async () => {
  const r = await callFromPage('gw_add', { a: 2, b: 3 });
  assert.deepEqual(r, { status: 200, retryAfter: null, body: 5 });
});

test('a cross-origin page can read a 429\'s status, error body and Retry-After', async () => {
  const r = await callFromPage('gw_raise', { kind: 'PGRST' });
  assert.equal(r.status, 429);
  assert.equal(r.retryAfter, '30');
  assert.equal(r.body.code, 'RATE1');
});

test('a keepalive fetch (the unload path) passes the preflight too', async () => {
  const r = await callFromPage('gw_echo', { events: [{ type: 'page_view' }] }, { keepalive: true });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, [{ type: 'page_view' }]);
});

test('with an allow-list that excludes the page\'s origin, the browser blocks the call', async () => {
  const { startGateway } = await import('../../dev/gateway/gateway.mjs');
  const g = await startGateway({ databaseUrl: ctx.dbUrl, migrate: false, corsOrigins: ['http://elsewhere.example'] });
  try {
    const r = await page.evaluate(async ({ url, key }) => {
      try {
        await fetch(`${url}/rest/v1/rpc/gw_add`, { method: 'POST', headers: { apikey: key, 'content-type': 'application/json' }, body: '{"a":1}' });
        return 'allowed';
      } catch (e) {
        return 'blocked';
      }
    }, { url: g.url, key: g.anonKey });
    assert.equal(r, 'blocked');
  } finally {
    await g.close();
  }
});
