// Test harness for the JS shim: a fake clock whose timers fire only when the
// test advances time (no real sleeping), a fake fetch that records requests
// and answers from a script, and in-memory Storage. The tracker under test is
// the built package (dist/index.mjs) with the real WASM core.
import { readFile } from 'node:fs/promises';

export const T0 = 1706400000000; // Sun, 28 Jan 2024 00:00:00 GMT
export const SUPABASE_URL = 'https://project.supabase.test';
export const ANON_KEY = 'anon-key-123';

const pkg = await import(new URL('../../dist/index.mjs', import.meta.url).href);
export const { createTracker } = pkg;
export { pkg };

export const wasmBinary = await readFile(new URL('../../dist/clik_core.wasm', import.meta.url));

/** Lets pending promise callbacks (fetch results, microtasks) run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClock {
  constructor(start = T0) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
    /** How many timers were ever set. */
    this.created = 0;
    this.now = () => this.time;
    this.setTimeout = (fn, ms) => {
      const id = this.nextId++;
      this.created++;
      // As in browsers and node: a delay beyond 2^31-1 ms overflows and fires at once.
      const delay = ms > 0x7fffffff ? 1 : Math.max(0, Math.floor(Number(ms) || 0));
      this.timers.set(id, { at: this.time + delay, fn });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
  }

  get pendingTimers() {
    return this.timers.size;
  }

  /** Advances the clock by ms, firing due timers in order (and letting promises settle). */
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [id, t] of this.timers) if (t.at <= end && (!next || t.at < next[1].at)) next = [id, t];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

export class MemoryStorage {
  constructor() {
    this.map = new Map();
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
  get length() {
    return this.map.size;
  }
  key(i) {
    const keys = [...this.map.keys()];
    return i >= 0 && i < keys.length ? keys[i] : null;
  }
}

/** Storage that throws on every access (Safari private mode, disabled storage). */
export class ThrowingStorage {
  getItem() {
    throw new DOMException('denied', 'SecurityError');
  }
  setItem() {
    throw new DOMException('quota', 'QuotaExceededError');
  }
  removeItem() {
    throw new DOMException('denied', 'SecurityError');
  }
}

/**
 * fetch that records every request and answers with the next scripted reply
 * (default 200 + {"success":true}). A reply is {status, headers?, body?},
 * 'network' (rejects like a failed fetch) or 'hang' (never answers; aborts
 * reject with AbortError).
 */
export class FakeFetch {
  constructor() {
    this.requests = [];
    this.replies = [];
    this.fetch = (url, init) => this.handle(url, init);
  }

  reply(...replies) {
    this.replies.push(...replies);
    return this;
  }

  handle(url, init) {
    const body = typeof init.body === 'string' ? init.body : '';
    // Header names lower-cased, whether given as an object or a Headers (supabase-js).
    const req = { url: String(url), init, headers: Object.fromEntries(new Headers(init.headers)), body, json: JSON.parse(body) };
    this.requests.push(req);
    const r = this.replies.length ? this.replies.shift() : { status: 200, body: '{"success":true}' };
    if (r === 'network') return Promise.reject(new TypeError('fetch failed'));
    if (r === 'hang') {
      return new Promise((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    return Promise.resolve(new Response(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? { success: true }), {
      status: r.status,
      headers: r.headers || { 'Content-Type': 'application/json' },
    }));
  }

  /** Every event sent so far, in order. */
  get events() {
    return this.requests.flatMap((r) => r.json.events);
  }
}

/** A tracker over fakes; returns {tracker, clock, net, local, session, warnings}. */
export function setup(overrides = {}, env = {}) {
  const clock = env.clock || new FakeClock();
  const net = env.net || new FakeFetch();
  const local = env.local || new MemoryStorage();
  const session = env.session || new MemoryStorage();
  const warnings = [];
  const tracker = createTracker({
    supabaseUrl: SUPABASE_URL,
    supabaseKey: ANON_KEY,
    userCode: 'myclik',
    shareCode: 'public',
    fetch: net.fetch,
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    localStorage: local,
    sessionStorage: session,
    window: null,
    document: null,
    navigator: { userAgent: 'TestAgent/1.0' },
    console: { warn: (...a) => warnings.push(a.join(' ')) },
    wasmBinary,
    ...overrides,
  });
  return { tracker, clock, net, local, session, warnings };
}

export const ids = (events) => events.map((e) => e.data.eventId);
