// The no-loss harness: simulated browsers running the REAL SDK (dist/index.mjs,
// createTracker over the real WASM core) in node with a virtual clock, sending
// through tests/support/fault-proxy.mjs to the dev gateway over PostgreSQL 15.
// Faults: dropped requests, 500/502/503, 429 + Retry-After, responses lost after
// the commit, answers held past the client's timeout, the proxy refusing every
// connection for a stretch, the gateway itself down for a stretch, and page
// lifecycle events: graceful reloads (pagehide -> keepalive flush -> destroy ->
// new tracker over the same storage), crashes (destroy with storage frozen: only
// what was already persisted survives), closes followed by a later visit.
//
// Every tracked page view and click carries a unique marker (page type
// "p<browser>_<n>", click target "contact.t<browser>_<n>"), so an event the SDK
// accepted but never sent is noticed too. At the end the harness compares the
// markers and every eventId seen on the wire with the raw tables and returns
// { accepted, stored, lost, duplicated, droppedByPolicy{reason: n}, ... }.
//
// Time: the virtual clock starts a day in the past (so hours of virtual time stay
// inside the server's accepted window) and advances in steps; while requests are
// in flight it waits (real time) for them up to `realWaitMs` per step, so a
// healthy request answers long before the client's (virtual) timeout and a held
// ("slow") one times out.
import { readFile } from 'node:fs/promises';
import { startFaultProxy, prng } from '../support/fault-proxy.mjs';
import { startStack } from './support.mjs';

const dist = new URL('../../dist/', import.meta.url);
let sdk;
async function loadSdk() {
  if (!sdk) {
    const { createTracker } = await import(new URL('index.mjs', dist).href);
    sdk = { createTracker, wasmBinary: await readFile(new URL('clik_core.wasm', dist)) };
  }
  return sdk;
}

/** Timers that fire only when the harness moves time forward. */
class VirtualClock {
  constructor(start) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
    this.now = () => this.time;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.time + Math.max(0, Number(ms) || 0), fn });
      return id;
    };
    this.clearTimeout = (id) => { this.timers.delete(id); };
  }

  /** Moves to `end`, firing due timers in time order; each may arm new ones. */
  advanceTo(end) {
    for (;;) {
      let next = null;
      for (const [id, t] of this.timers) if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = Math.max(this.time, end);
  }
}

/** localStorage/sessionStorage in memory; frozen = writes are lost (a crashing tab). */
class TabStorage {
  constructor() {
    this.map = new Map();
    this.frozen = false;
  }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { if (!this.frozen) this.map.set(k, String(v)); }
  removeItem(k) { if (!this.frozen) this.map.delete(k); }
  get length() { return this.map.size; }
}

/** fetch() that records what goes on the wire and knows what is in flight. */
class Wire {
  constructor() {
    this.inFlight = 0;
    this.waiters = [];
    this.requests = 0;
    this.keepalive = 0;
    this.idsByMarker = new Map(); // marker -> Set(eventId)
    this.sessionIds = new Set(); // eventIds of session events sent
    this.fetch = (url, init) => this.send(url, init);
  }

  async send(url, init) {
    this.requests++;
    if (init.keepalive) this.keepalive++;
    try {
      for (const e of JSON.parse(init.body).events) {
        const id = e.data.eventId;
        if (e.type === 'session') this.sessionIds.add(id);
        const marker = e.type === 'click' ? e.data.clickTarget : e.data.pageType;
        if (!this.idsByMarker.has(marker)) this.idsByMarker.set(marker, new Set());
        this.idsByMarker.get(marker).add(id);
      }
    } catch { /* not ours to judge here: the server answers it */ }
    this.inFlight++;
    try {
      return await fetch(url, init);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves when nothing is in flight, or after `ms` real milliseconds. */
  idle(ms) {
    if (this.inFlight === 0) return new Promise((r) => setImmediate(r));
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => { clearTimeout(t); setImmediate(resolve); });
    });
  }
}

const sum = (objs, key) => objs.reduce((a, o) => a + o[key], 0);

/**
 * Runs the scenario and returns the report. Options:
 *  browsers, eventsPerBrowser, seed,
 *  weights (fault-proxy modes), slowMs (real ms a "slow" answer is held),
 *  reloadRate / crashRate / closeRate (per browser per step),
 *  outages: [{ atStep, steps, kind: 'proxy' | 'gateway' }],
 *  stepMs (virtual), realWaitMs, maxRealMs (give up draining after this),
 *  core (tracker option overrides), progress(fn)
 */
export async function runNoLoss(o = {}) {
  const opt = {
    browsers: 40,
    eventsPerBrowser: 100,
    seed: 1,
    weights: { ok: 70, drop: 5, error: 8, rate_limited: 5, lost_response: 8, slow: 4 },
    slowMs: 6000,
    actionRate: 0.35,
    reloadRate: 0.01,
    crashRate: 0.004,
    closeRate: 0.004,
    outages: [{ atStep: 60, steps: 120, kind: 'proxy' }, { atStep: 260, steps: 120, kind: 'gateway' }],
    stepMs: 500,
    realWaitMs: 250,
    maxRealMs: 240000,
    core: {},
    progress: null,
    ...o,
  };
  const { createTracker, wasmBinary } = await loadSdk();
  const random = prng(opt.seed);
  const stack = await startStack({ prefix: 'noloss', settings: { rate_limit_ip_calls: null, rate_limit_user_code_events: null } });
  const proxy = await startFaultProxy({ target: stack.gw.url, seed: opt.seed, weights: opt.weights, slowMs: opt.slowMs, retryAfterSeconds: 2 });
  const clock = new VirtualClock(Date.now() - 86400000);
  const wire = new Wire();
  const instances = []; // every tracker ever created, with its final stats
  const calls = { session: 0, page: 0, click: 0 };
  const markers = [];
  const lifecycle = { reloads: 0, crashes: 0, closes: 0, reopens: 0, outages: 0 };
  const realStart = Date.now();

  const open = async (b) => {
    const win = new EventTarget();
    const tracker = createTracker({
      supabaseUrl: proxy.url,
      supabaseKey: stack.gw.anonKey,
      userCode: `card_${b.id % 7}`,
      shareCode: 'public',
      fetch: wire.fetch,
      now: clock.now,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      localStorage: b.local,
      sessionStorage: b.session,
      window: win,
      document: null,
      navigator: { userAgent: `NoLoss/1.0 (browser ${b.id})` },
      console: { warn: () => {} },
      wasmBinary,
      respectDoNotTrack: false,
      requestTimeoutMs: 5000,
      ...opt.core,
    });
    const inst = { tracker, win, stats: null, browser: b.id };
    instances.push(inst);
    if (!(await tracker.ready)) throw new Error(`tracker for browser ${b.id} is inert: ${tracker.stats().shim.lastError}`);
    b.inst = inst;
    tracker.trackView();
    calls.session++;
  };
  const close = (b, how) => {
    const inst = b.inst;
    if (how !== 'crash') inst.win.dispatchEvent(new Event('pagehide')); // urgent keepalive flush + snapshot
    inst.stats = inst.tracker.stats();
    if (how === 'crash') b.local.frozen = b.session.frozen = true;
    inst.tracker.destroy();
    b.local.frozen = b.session.frozen = false;
    b.inst = null;
  };

  const browsers = Array.from({ length: opt.browsers }, (_, id) => ({
    id, made: 0, local: new TabStorage(), session: new TabStorage(), inst: null, reopenAtStep: -1,
  }));
  for (const b of browsers) await open(b);

  const outageAt = new Map(opt.outages.map((x) => [x.atStep, x]));
  let outageEnd = -1;
  let outageKind = null;
  let step = 0;
  let gaveUp = false;
  for (;; step++) {
    // outages
    if (outageAt.has(step) && outageEnd < 0) {
      const x = outageAt.get(step);
      outageKind = x.kind;
      outageEnd = step + x.steps;
      lifecycle.outages++;
      if (x.kind === 'proxy') proxy.setDown(true); else await stack.gw.pause();
    } else if (step === outageEnd) {
      if (outageKind === 'proxy') proxy.setDown(false); else await stack.gw.resume();
      outageEnd = -1;
    }
    // user actions
    let active = 0;
    for (const b of browsers) {
      if (!b.inst) {
        if (step >= b.reopenAtStep) { await open(b); lifecycle.reopens++; }
        else { active++; continue; }
      }
      if (b.made >= opt.eventsPerBrowser) continue;
      active++;
      const r = random();
      if (r < opt.reloadRate) { close(b, 'reload'); lifecycle.reloads++; await open(b); continue; }
      if (r < opt.reloadRate + opt.crashRate) { close(b, 'crash'); lifecycle.crashes++; await open(b); continue; }
      if (r < opt.reloadRate + opt.crashRate + opt.closeRate) {
        close(b, 'close');
        lifecycle.closes++;
        b.reopenAtStep = step + 1 + Math.floor(random() * 240);
        continue;
      }
      if (random() < opt.actionRate) {
        const n = b.made++;
        if (random() < 0.5) {
          const m = `p${b.id}_${n}`;
          b.inst.tracker.trackPageView(m);
          calls.page++;
          markers.push(m);
        } else {
          const m = `contact.t${b.id}_${n}`;
          b.inst.tracker.trackClick(m);
          calls.click++;
          markers.push(m);
        }
      }
    }
    await wire.idle(opt.realWaitMs);
    clock.advanceTo(clock.time + opt.stepMs);
    await new Promise((r) => setImmediate(r));

    if (opt.progress && step % 100 === 0) opt.progress({ step, made: markers.length, requests: wire.requests });
    if (active === 0 && outageEnd < 0) {
      const pending = browsers.reduce((a, b) => {
        const s = b.inst.tracker.stats();
        return a + s.queued + s.inFlight;
      }, 0);
      if (pending === 0 && wire.inFlight === 0) break;
      if (Date.now() - realStart > opt.maxRealMs) { gaveUp = true; break; }
    }
  }
  for (const b of browsers) if (b.inst) { b.inst.stats = b.inst.tracker.stats(); b.inst.tracker.destroy(); }
  await wire.idle(opt.slowMs + 2000);
  await new Promise((r) => setTimeout(r, 200));

  // ---- compare with the database ----
  const rows = await stack.sql(`
    select click_target as marker, event_id::text as id from analytics.clicks
    union all select page_type, event_id::text from analytics.page_views`);
  const sessionRows = await stack.sql(`select event_id::text as id from analytics.session_events`);
  const dbByMarker = new Map();
  for (const r of rows) {
    if (!dbByMarker.has(r.marker)) dbByMarker.set(r.marker, []);
    dbByMarker.get(r.marker).push(r.id);
  }
  const dbSessions = new Map();
  for (const r of sessionRows) dbSessions.set(r.id, (dbSessions.get(r.id) ?? 0) + 1);

  const markerSet = new Set(markers);
  const missing = markers.filter((m) => !dbByMarker.has(m));
  const duplicatedMarkers = [...dbByMarker].filter(([, ids]) => ids.length > 1).map(([m, ids]) => `${m}: ${ids.length} rows`);
  const unknownMarkers = [...dbByMarker.keys()].filter((m) => !markerSet.has(m));
  const reMinted = [...wire.idsByMarker].filter(([m, ids]) => markerSet.has(m) && ids.size > 1).map(([m]) => m);
  const sessionsMissing = [...wire.sessionIds].filter((id) => !dbSessions.has(id));
  const sessionsDuplicated = [...dbSessions].filter(([, n]) => n > 1).map(([id]) => id);

  const stats = instances.map((i) => i.stats);
  const droppedByPolicy = {};
  for (const s of stats) for (const [k, v] of Object.entries(s.dropped)) droppedByPolicy[k] = (droppedByPolicy[k] ?? 0) + v;
  const droppedTotal = Object.values(droppedByPolicy).reduce((a, b) => a + b, 0);
  const accepted = sum(stats, 'tracked');
  const counters = await stack.sql(`select
      (select count(*) from analytics.page_views)::int as page_views, (select coalesce(sum(page_views), 0) from analytics.sessions)::int as session_page_views,
      (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 'p')::int as rollup_page_views,
      (select count(*) from analytics.clicks)::int as clicks, (select coalesce(sum(clicks), 0) from analytics.sessions)::int as session_clicks,
      (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 'c')::int as rollup_clicks`);

  const report = {
    accepted,
    calls: calls.session + calls.page + calls.click,
    stored: dbByMarker.size + dbSessions.size,
    lost: Math.max(0, missing.length + sessionsMissing.length - droppedTotal),
    duplicated: duplicatedMarkers.length + sessionsDuplicated.length,
    droppedByPolicy,
    events: { pageViews: calls.page, clicks: calls.click, sessions: calls.session, sessionsSent: wire.sessionIds.size },
    faults: { ...proxy.counts },
    lifecycle,
    requests: { total: wire.requests, keepalive: wire.keepalive },
    retries: sum(stats, 'retries'),
    shimErrors: stats.reduce((a, s) => a + s.shim.errors, 0),
    virtualMinutes: Math.round((clock.time - (realStart - 86400000)) / 60000),
    realSeconds: Math.round((Date.now() - realStart) / 1000),
    drained: !gaveUp,
    counters: counters[0],
    details: {
      missing: missing.slice(0, 20),
      sessionsMissing: sessionsMissing.slice(0, 20),
      duplicated: duplicatedMarkers.slice(0, 20).concat(sessionsDuplicated.slice(0, 20)),
      unknownMarkers: unknownMarkers.slice(0, 20),
      reMintedIds: reMinted.slice(0, 20),
    },
  };
  await proxy.close();
  await stack.close();
  return report;
}
