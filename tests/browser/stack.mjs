// What every browser test needs, all real and all on loopback: a throwaway
// PostgreSQL 15, the dev gateway (Supabase RPC stand-in, migrations applied) on
// one origin, a static server for test pages and dist/script/ on ANOTHER origin
// (another port), so every RPC call is cross-origin with a CORS preflight, and
// Debian's Chromium. close() stops all of it.
//
// Observation, not interception: the page talks to the gateway through a
// recording pass-through proxy (a real TCP hop that forwards every byte both
// ways and keeps a copy of each POST body), because Chromium's DevTools events
// do not report the keepalive requests a page sends while it unloads.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../support/pg-cluster.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { startGateway } from '../../dev/gateway/gateway.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scriptDir = join(root, 'dist', 'script');
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

export const USER_CODE = 'browsertest';
export const SHARE_CODE = 'public';

/**
 * A test page: the queueing stub, the script tag for one contact, tracked
 * elements, and the page's own inline script. head: markup before the stub
 * (e.g. a script that breaks localStorage).
 */
export function pageHtml({ stack, contactId, head = '', body = '', inline = '', stub = true }) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>clik test page</title>
${head}
${stub ? '<script>window.clik=window.clik||function(){(window.clik.q=window.clik.q||[]).push(arguments)};</script>' : ''}
<script async src="/script/clik.js" data-supabase-url="${stack.rpcUrl}" data-supabase-key="${stack.gateway.anonKey}"
  data-user-code="${USER_CODE}" data-share-code="${SHARE_CODE}" data-contact-id="${contactId}" data-autocapture="true"></script>
</head><body>
<button id="phone" data-clik-track="contact.phone">Call</button>
<button id="whatsapp" data-clik-track="socialMessaging.whatsapp">WhatsApp</button>
<a id="portfolio" href="#work" data-clik-track="portfolio.wardRounds">Ward Rounds</a>
<button id="agent" data-clik-track="aiAgent"><span id="agent-label">Ask my assistant</span></button>
<button id="untracked">Not tracked</button>
${body}
<script>${inline}</script>
</body></html>`;
}

export async function startStack() {
  const stack = { cleanups: [] };
  try {
    stack.pg = await startCluster();
    stack.cleanups.push(() => stack.pg.stop());
    stack.gateway = await startGateway({ port: 0, databaseUrl: stack.pg.url });
    stack.cleanups.push(() => stack.gateway.close());
    stack.proxy = await startRecordingProxy(stack.gateway.url);
    stack.cleanups.push(() => stack.proxy.close());
    stack.rpcUrl = stack.proxy.url;
    stack.rpcBodies = stack.proxy.bodies;
    stack.web = await startWebServer();
    stack.cleanups.push(() => stack.web.close());
    stack.browser = await launchChromium();
    stack.cleanups.push(() => stack.browser.close());
  } catch (err) {
    await closeAll(stack.cleanups);
    throw err;
  }
  stack.close = () => closeAll(stack.cleanups);
  return stack;
}

async function closeAll(cleanups) {
  for (const fn of cleanups.reverse()) {
    try { await fn(); } catch { /* keep stopping the rest */ }
  }
}

/**
 * Forwards every request to `target` as it comes and the answer back as it
 * comes; keeps each POST body (what the browser sent, whatever the outcome).
 * When the target is down, the client's connection is cut, as an unreachable
 * server's would be.
 */
async function startRecordingProxy(target) {
  const upstream = new URL(target);
  const bodies = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    const up = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => req.socket.destroy());
    req.on('data', (c) => { chunks.push(c); up.write(c); });
    req.on('end', () => {
      if (req.method === 'POST') bodies.push(Buffer.concat(chunks).toString('utf8'));
      up.end();
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    bodies,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

/**
 * Static server: /script/* from dist/script/ (optionally held back by
 * scriptDelayMs, to prove the stub keeps early calls), /p/<name> a page set with
 * setPage(name, html, headers).
 */
async function startWebServer() {
  const pages = new Map();
  const state = { scriptDelayMs: 0 };
  const server = http.createServer(async (req, res) => {
    try {
      const path = new URL(req.url, 'http://x').pathname;
      if (path.startsWith('/p/') && pages.has(path.slice(3))) {
        const { html, headers } = pages.get(path.slice(3));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
        return res.end(html);
      }
      if (path.startsWith('/script/')) {
        const file = normalize(join(scriptDir, path.slice('/script/'.length)));
        if (file.startsWith(scriptDir + '/')) {
          const body = await readFile(file);
          if (path.endsWith('.js') && state.scriptDelayMs) await new Promise((r) => setTimeout(r, state.scriptDelayMs));
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
          return res.end(body);
        }
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setPage(name, html, headers = {}) { pages.set(name, { html, headers }); },
    set scriptDelayMs(ms) { state.scriptDelayMs = ms; },
    close() {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}

/** eventId → type of every event in the RPC bodies the browser sent so far. */
export function sentEvents(stack) {
  const ids = new Map();
  for (const body of stack.rpcBodies) {
    let events;
    try { events = JSON.parse(body); } catch { continue; }
    if (!Array.isArray(events)) events = events && events.events;
    for (const e of events ?? []) ids.set(e.data.eventId, e.type);
  }
  return ids;
}

/** The rows PostgreSQL holds for one contact: [{type, eventId, detail}]. */
export async function storedRows(stack, contactId) {
  return stack.gateway.query(
    `SELECT 'session' AS type, event_id::text AS "eventId", session_id AS detail FROM analytics.session_events WHERE user_code = $1 AND contact_id = $2
     UNION ALL SELECT 'page_view', event_id::text, page_type FROM analytics.page_views WHERE user_code = $1 AND contact_id = $2
     UNION ALL SELECT 'click', event_id::text, click_target FROM analytics.clicks WHERE user_code = $1 AND contact_id = $2`,
    [USER_CODE, contactId],
  );
}

/** Polls until at least `count` rows are stored for the contact, then waits for late duplicates. */
export async function waitForRows(stack, contactId, count, { timeoutMs = 30_000, settleMs = 1500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while ((await storedRows(stack, contactId)).length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, settleMs));
  return storedRows(stack, contactId);
}

/** Opens a page and records its console warnings and uncaught errors. */
export async function openPage(stack, name, { waitForLive = true } = {}) {
  const page = await stack.browser.newPage();
  const warnings = [];
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${stack.web.url}/p/${name}`);
  if (waitForLive) await waitForLiveClik(page);
  return { page, warnings, errors };
}

/** The script has run: window.clik is the live dispatcher, not the stub. */
export function waitForLiveClik(page) {
  return page.waitForFunction(() => typeof window.clik === 'function' && window.clik.live === true, null, { timeout: 20_000 });
}
