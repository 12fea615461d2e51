// bench/js/profile.mjs: where the main thread's time goes per trackClick on a
// script-tag page in Chromium (a CDP sampling CPU profile, self time by
// function), to explain the bench/js table, not to replace it. The same calls
// as bench.mjs (bursts of 20, a task boundary between bursts) against a stub
// RPC endpoint on loopback. Needs the build (npm run build).
//
//   node bench/js/profile.mjs [--calls N] [--page-fetch] [--top K] [--storage-ops]
//
// --storage-ops also counts the page's storage writes and removals by kind (queue head, queue
// chunk, session state), through a wrapper on Storage.prototype: a setItem of a
// few KB costs ~0.1 ms of main thread in Chromium (bench/js's persist floor row
// minus the one without), so their number per 20 calls is most of what
// persistence costs.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '../../tests/support/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '4000' }, 'page-fetch': { type: 'boolean' }, top: { type: 'string', default: '25' }, 'storage-ops': { type: 'boolean' } } });
const relay = args['page-fetch'] ? ' data-fetch-in-worker="false"' : '';

let url;
const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const cors = { 'access-control-allow-origin': req.headers.origin || '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-max-age': '86400' };
  if (req.method === 'OPTIONS') { res.writeHead(204, cors); return res.end(); }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (path === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(`<!doctype html><script>window.clik=window.clik||function(){(window.clik.q=window.clik.q||[]).push(arguments)};</script>
<script async src="/script/clik.js" data-supabase-url="${url}" data-supabase-key="k" data-user-code="bench" data-share-code="public"${relay}></script>`);
    }
    if (path.startsWith('/script/')) {
      const file = join(root, 'dist', 'script', path.slice('/script/'.length).replace(/[^\w.-]/g, ''));
      res.writeHead(200, { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
      return res.end(readFileSync(file));
    }
    if (!path.endsWith('/rpc/ingest_analytics_batch')) { res.writeHead(404); return res.end(); }
    const n = JSON.parse(Buffer.concat(chunks).toString()).events.length;
    res.writeHead(200, { 'content-type': 'application/json', ...cors });
    res.end(JSON.stringify({ success: true, processed: n, sessions_inserted: 0, page_views_inserted: 0, clicks_inserted: n, duplicates: 0, rejected: [] }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
url = `http://127.0.0.1:${server.address().port}`;

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  if (args['storage-ops']) {
    await page.addInitScript(() => {
      const ops = (window.storageOps = {});
      const kind = (store, key) => store === window.sessionStorage ? 'session' : /\/\d+$/.test(key) ? 'chunk' : 'head';
      for (const op of ['setItem', 'removeItem']) {
        const original = Storage.prototype[op];
        Storage.prototype[op] = function (key, ...rest) {
          const k = `${op} ${kind(this, String(key))}`;
          ops[k] = (ops[k] || 0) + 1;
          return original.call(this, key, ...rest);
        };
      }
    });
  }
  await page.goto(url + '/page');
  await page.evaluate(() => new Promise((r) => window.clik((t) => r(t.ready))));
  const cdp = await browser.context.newCDPSession(page);
  const run = (n) => page.evaluate(async (n) => {
    const yieldTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
    const targets = ['contact.phone', 'contact.email', 'socialMessaging.whatsapp', 'portfolio.wardRounds', 'aiAgent'];
    for (let i = 0; i < n; i += 20) {
      for (let j = 0; j < 20; j++) window.clik('trackClick', targets[(i + j) % targets.length]);
      await yieldTask();
    }
  }, n);
  await run(400); // warm-up
  await page.waitForTimeout(500);
  const opsBefore = args['storage-ops'] ? await page.evaluate(() => ({ ...window.storageOps })) : null;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const calls = Number(args.calls);
  await run(calls);
  await page.waitForTimeout(1000); // deferred work (flushes, storage) lands here
  const { profile } = await cdp.send('Profiler.stop');
  if (opsBefore) {
    const ops = await page.evaluate(() => window.storageOps);
    const per20 = Object.entries(ops).map(([k, n]) => `${k} ${(((n - (opsBefore[k] || 0)) * 20) / Number(args.calls)).toFixed(2)}`);
    console.log(`storage operations per 20 calls: ${per20.sort().join(', ')}`);
  }
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const f = nodes.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) || 0) + (profile.timeDeltas[i] || 0));
  });
  const busy = [...self].filter(([k]) => k !== '(idle)');
  const total = busy.reduce((t, [, us]) => t + us, 0);
  const wasm = busy.filter(([k]) => k.endsWith('.wasm')).reduce((t, [, us]) => t + us, 0);
  console.log(`${calls} trackClick calls, ${args['page-fetch'] ? 'requests from the page' : 'requests from the worker'}: ` +
    `${(total / 1000).toFixed(1)} ms busy (${(total / calls).toFixed(1)} µs a call, profiler included), all wasm functions ${(wasm / 1000).toFixed(1)} ms`);
  console.log('| self ms | µs a call | function |\n|---:|---:|---|');
  for (const [k, us] of busy.sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
    console.log(`| ${(us / 1000).toFixed(1)} | ${(us / calls).toFixed(2)} | ${k} |`);
  }
} finally {
  await browser.close();
  server.close();
}
