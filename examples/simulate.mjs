// `npm run demo -- --simulate N`: N simulated visitors of the demo card, each
// driving the real SDK (the npm package over the WebAssembly core) in node
// against the running stack's RPC endpoint. Visitors browse over the last few
// days on a virtual clock (so the dashboard has a daily series), click, hide
// the page (flush), close it mid-visit (the queue survives in storage and the
// next page load sends it), and go offline for a while (requests fail; the
// core retries). At the end the dashboard's totals, the SDK's own counters and
// counts over the raw tables must all agree.
import { createTracker } from '../dist/index.mjs';
import { DEMO_CARD } from './demo-stack.mjs';

const PAGES = ['home', 'contact', 'profile', 'portfolio'];
const TARGETS = [
  'contact.phone', 'contact.email', 'contact.saveVcard',
  'socialMessaging.whatsapp', 'socialMessaging.telegram', 'socialMessaging.sms',
  'socialChannels.linkedin', 'socialChannels.instagram', 'socialChannels.dribbble',
  'portfolio.wardRounds', 'portfolio.budgetBuddy', 'portfolio.tramTickets',
  'aiAgent',
];
const SHARE_CODES = ['public', 'public', 'public', 'linkedin', 'conference'];
const DAY_MS = 86_400_000;
const SPREAD_DAYS = 5; // visits start within the last 5 days (the core keeps unsent events 6 days)
const CONCURRENCY = 8;

/** mulberry32: a small seeded PRNG, so a seed reproduces the same visits. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

/** Web Storage over a Map: one per visitor, so a "reload" finds the previous page's queue. */
class MemoryStorage {
  #m = new Map();
  get length() { return this.#m.size; }
  key(i) { return [...this.#m.keys()][i] ?? null; }
  getItem(k) { return this.#m.has(k) ? this.#m.get(k) : null; }
  setItem(k, v) { this.#m.set(k, String(v)); }
  removeItem(k) { this.#m.delete(k); }
  clear() { this.#m.clear(); }
}

/**
 * One visitor's virtual clock and timers: time moves only when the simulation
 * says so. Real requests to the stack take real milliseconds but no virtual
 * time: the clock waits for them before moving (else the shim's request
 * timeout, a virtual timer, would fire while a real request is still out).
 */
class VirtualTime {
  constructor(start) { this.t = start; this.timers = new Map(); this.nextId = 1; this.requests = new Set(); }
  /** Registers a real request the clock must not run ahead of. */
  track(promise) {
    const p = promise.finally(() => this.requests.delete(p)).catch(() => {});
    this.requests.add(p);
    return promise;
  }
  async settle() {
    while (this.requests.size > 0) {
      await Promise.all([...this.requests]);
      await new Promise((r) => setImmediate(r)); // the shim reports the result to the core
    }
  }
  now = () => this.t;
  setTimeout = (fn, ms) => { const id = this.nextId++; this.timers.set(id, { at: this.t + Math.max(0, ms), fn }); return id; };
  clearTimeout = (id) => { this.timers.delete(id); };
  /** Moves the clock forward, firing due timers in order (each may start a request). */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await this.settle();
      let due = null;
      for (const [id, tm] of this.timers) if (tm.at <= end && (!due || tm.at < due[1].at)) due = [id, tm];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
      await new Promise((r) => setImmediate(r));
    }
    this.t = end;
  }
}

function progress(done, total, events, started) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const line = `  [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} visitors · ${events} events · ${secs} s`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (done === total || done % Math.max(1, Math.round(total / 10)) === 0) process.stderr.write(`${line}\n`);
}

/** Counts over the raw event tables for the demo card, defined as the dashboard defines them. */
export function rawCounts(gateway) {
  return gateway.query(
    `WITH e AS (
       SELECT session_id, started_at AS at FROM analytics.session_events WHERE user_code = $1
       UNION ALL SELECT session_id, viewed_at FROM analytics.page_views WHERE user_code = $1
       UNION ALL SELECT session_id, clicked_at FROM analytics.clicks WHERE user_code = $1)
     SELECT (SELECT count(DISTINCT (session_id, (at AT TIME ZONE 'UTC')::date)) FROM e)::int AS sessions,
            (SELECT count(*) FROM analytics.page_views WHERE user_code = $1)::int AS "pageViews",
            (SELECT count(*) FROM analytics.clicks WHERE user_code = $1)::int AS clicks,
            (SELECT count(*) FROM e)::int AS events`,
    [DEMO_CARD.userCode],
  );
}

/**
 * @param {{stack: Awaited<ReturnType<typeof import('./demo-stack.mjs').startDemoStack>>, visitors: number, seed?: number, log?: (s: string) => void}} o
 * @returns {Promise<{ok: boolean, totals: object, raw: object, sdk: object}>}
 */
export async function simulateVisitors({ stack, visitors, seed = 42, log = console.log }) {
  const { gateway } = stack;
  const rand = prng(seed);
  const realNow = Date.now();
  const sdk = { tracked: 0, delivered: 0, retries: 0, dropped: {}, inert: 0, failedRequests: 0 };
  let done = 0;
  const started = Date.now();
  const [before] = await rawCounts(gateway);

  async function visit(i) {
    const r = prng(seed * 100_003 + i);
    const time = new VirtualTime(realNow - r.int(0, SPREAD_DAYS * DAY_MS) - 3_600_000);
    const storage = { localStorage: new MemoryStorage(), sessionStorage: new MemoryStorage() };
    const ip = `198.51.${(i >> 8) & 255}.${i & 255}`; // one client address per visitor (the per-IP rate limit)
    let offline = false;
    const fetchPort = async (url, init = {}) => {
      if (offline) {
        sdk.failedRequests++;
        throw new TypeError('fetch failed (simulated offline)');
      }
      const headers = new Headers(init.headers);
      headers.set('x-forwarded-for', ip);
      // The whole exchange, body included, happens before the virtual clock may move.
      return time.track((async () => {
        const res = await fetch(url, { ...init, headers });
        const body = await res.arrayBuffer();
        return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
      })());
    };
    const card = { userCode: DEMO_CARD.userCode, shareCode: r.pick(SHARE_CODES) };
    if (r.chance(0.3)) card.contactId = `contact-${r.int(1, 12)}`;
    const open = () => createTracker({
      supabaseUrl: gateway.url,
      supabaseKey: gateway.anonKey,
      ...card,
      ...storage,
      fetch: fetchPort,
      now: time.now,
      setTimeout: time.setTimeout,
      clearTimeout: time.clearTimeout,
      window: null,
      document: null,
      navigator: null,
    });
    const finish = async (tracker) => {
      const s = tracker.stats();
      sdk.tracked += s.tracked;
      sdk.delivered += s.delivered;
      sdk.retries += s.retries;
      for (const [k, v] of Object.entries(s.dropped)) sdk.dropped[k] = (sdk.dropped[k] ?? 0) + v;
      tracker.destroy();
    };

    let tracker = open();
    if (!(await tracker.ready)) {
      sdk.inert++;
      return;
    }
    const loads = r.chance(0.25) ? 2 : 1; // some visitors close the page mid-visit and come back
    for (let load = 0; load < loads; load++) {
      if (load > 0) {
        await finish(tracker); // saves the queue to storage; nothing is sent (the page died)
        await time.advance(r.int(5_000, 120_000));
        tracker = open();
        await tracker.ready;
      }
      tracker.trackView();
      tracker.trackPageView('page.home');
      const actions = r.int(1, 14);
      for (let a = 0; a < actions; a++) {
        if (r.chance(0.08)) offline = !offline; // a train tunnel: requests fail for a while
        await time.advance(r.int(1_000, 25_000));
        if (r.chance(0.35)) tracker.trackPageView(`page.${r.pick(PAGES)}`);
        else tracker.trackClick(r.pick(TARGETS));
      }
      if (load === loads - 1) {
        // The visitor leaves: back online, the page is hidden and the queue sent;
        // a batch the core holds for a backoff goes when its timer fires.
        offline = false;
        for (let tries = 0; tries < 40; tries++) {
          await tracker.flush();
          const s = tracker.stats();
          if (s.queued === 0 && s.inFlight === 0) break;
          await time.advance(30_000);
        }
      }
    }
    await finish(tracker);
  }

  log(`Simulating ${visitors} visitors of card "${DEMO_CARD.userCode}" (seed ${seed})…`);
  let next = 0;
  async function worker() {
    while (next < visitors) {
      const i = next++;
      await visit(i);
      done++;
      progress(done, visitors, sdk.tracked, started);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, visitors) }, worker));
  if (process.stderr.isTTY) process.stderr.write('\n');

  // The owner's view, through the RPC as an authenticated user, like the dashboard page.
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const res = await fetch(`${gateway.url}/rest/v1/rpc/get_analytics_dashboard`, {
    method: 'POST',
    headers: { apikey: gateway.anonKey, authorization: `Bearer ${stack.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user_code: DEMO_CARD.userCode, filters: { from: day(realNow - (SPREAD_DAYS + 2) * DAY_MS), to: day(realNow + DAY_MS) } }),
  });
  const dashboard = await res.json();
  if (!res.ok) throw new Error(`get_analytics_dashboard answered ${res.status}: ${JSON.stringify(dashboard)}`);
  const totals = dashboard.totals;

  const [raw] = await rawCounts(gateway);
  const droppedTotal = Object.values(sdk.dropped).reduce((a, b) => a + b, 0);
  const rows = [
    ['', 'dashboard', 'raw tables'],
    ['sessions (per day)', totals.sessions, raw.sessions],
    ['page views', totals.pageViews, raw.pageViews],
    ['clicks', totals.clicks, raw.clicks],
  ];
  log('');
  for (const [a, b, c] of rows) log(`  ${String(a).padEnd(20)} ${String(b).padStart(10)} ${String(c).padStart(12)}`);
  log('');
  log(`  SDK: ${sdk.tracked} events tracked, ${sdk.delivered} delivered, ${sdk.retries} retries, ` +
      `${sdk.failedRequests} requests failed while offline, ${droppedTotal} dropped by policy ${JSON.stringify(sdk.dropped)}`);
  const stored = raw.events - before.events;
  log(`  PostgreSQL: ${stored} new event rows for the card (${raw.events} in all)`);

  const problems = [];
  for (const k of ['sessions', 'pageViews', 'clicks']) {
    if (totals[k] !== raw[k]) problems.push(`dashboard ${k} ${totals[k]} != raw ${raw[k]}`);
  }
  if (sdk.inert > 0) problems.push(`${sdk.inert} trackers failed to load the core`);
  if (droppedTotal > 0) problems.push(`${droppedTotal} events dropped by the SDK`);
  if (sdk.delivered !== sdk.tracked) problems.push(`SDK delivered ${sdk.delivered} of ${sdk.tracked} tracked events`);
  if (stored !== sdk.delivered) problems.push(`${stored} rows stored for ${sdk.delivered} delivered events`);
  const ok = problems.length === 0;
  log(ok ? '  ✔ dashboard = raw tables = every event the SDK tracked, each stored once' : `  ✘ ${problems.join('; ')}`);
  return { ok, totals, raw, sdk, problems };
}
