// Normal batches sent by the request worker (js/src/worker_relay.mjs): the
// page posts the body, the worker fetches, the core sees the same status,
// Retry-After and body as from a page fetch. Keepalive requests stay on the
// page; a worker that cannot start or dies hands its requests back to the page.
//
// The fake Worker runs the real worker program (the blob's text from the built
// package) with the worker's own fake fetch; messages are structured-cloned and
// delivered asynchronously, as between threads. The real WASM core decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, settle, ids, FakeFetch } from './harness.mjs';

class WorkerEnv {
  constructor({ refuse = false } = {}) {
    /** What the worker's global fetch received. */
    this.net = new FakeFetch();
    this.workers = [];
    this.revoked = [];
    const env = this;
    const blobs = new Map();
    this.Blob = class {
      constructor(parts, opts) {
        this.source = parts.join('');
        this.type = opts && opts.type;
      }
    };
    this.URL = {
      createObjectURL(blob) {
        const url = 'blob:fake/' + blobs.size;
        blobs.set(url, blob);
        return url;
      },
      revokeObjectURL(url) {
        env.revoked.push(url);
      },
    };
    this.Worker = class {
      constructor(url) {
        // Chromium throws here when the page's CSP has no worker-src/script-src blob:.
        if (refuse) throw new DOMException("Refused to create a worker from 'blob:'", 'SecurityError');
        env.workers.push(this);
        this.url = url;
        this.terminated = false;
        /** Messages the page posted. */
        this.received = [];
        this.onmessage = null;
        this.onerror = null;
        const hop = (fn) => setImmediate(() => { if (!this.terminated) fn(); });
        this.scope = {
          onmessage: null,
          postMessage: (m) => hop(() => this.onmessage && this.onmessage({ data: structuredClone(m) })),
        };
        const blob = blobs.get(url);
        new Function('self', 'fetch', blob.source)(this.scope, env.net.fetch);
        this.hop = hop;
      }
      postMessage(m) {
        this.received.push(m);
        this.hop(() => this.scope.onmessage({ data: structuredClone(m) }));
      }
      terminate() {
        this.terminated = true;
      }
    };
  }

  ports() {
    return { Worker: this.Worker, Blob: this.Blob, URL: this.URL, fetchInWorker: true };
  }
}

async function oneClickSent(s, env) {
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  await s.clock.advance(10000);
  assert.equal(env.net.requests.length + s.net.requests.length, 1, 'one request at 10 s');
}

test('normal batches are fetched by the worker; the page makes no request and the core sees the answer', async () => {
  const env = new WorkerEnv();
  const s = setup(env.ports());
  await oneClickSent(s, env);
  assert.equal(s.net.requests.length, 0, 'the page itself made no request');
  assert.equal(env.workers.length, 1);
  const [req] = env.net.requests;
  assert.equal(req.url, 'https://project.supabase.test/rest/v1/rpc/ingest_analytics_batch');
  assert.equal(req.headers.apikey, 'anon-key-123');
  assert.equal(req.headers.authorization, 'Bearer anon-key-123');
  assert.equal(req.init.credentials, 'omit');
  assert.equal(req.init.keepalive, undefined, 'a worker request is never keepalive');
  assert.deepEqual(req.json.events.map((e) => e.type), ['click']);
  await settle();
  const st = s.tracker.stats();
  assert.equal(st.delivered, 1);
  assert.equal(st.queued, 0);
  assert.equal(st.shim.requestsFrom, 'worker');
  assert.equal(st.shim.errors, 0);
  assert.deepEqual(env.revoked, [env.workers[0].url], 'the blob URL is revoked once the worker answered');
  s.tracker.destroy();
  assert.equal(env.workers[0].terminated, true, 'destroy() ends the worker');
});

test('through the worker, 429 with Retry-After: 30 waits 30 s; 503 is retried with the same eventIds', async () => {
  const env = new WorkerEnv();
  const s = setup({ ...env.ports(), retryBaseMs: 1000, retryCapMs: 2000 });
  // When each request reached the worker's fetch, on the fake clock: the 503's backoff
  // is random (full jitter in [0, 2 s)), so the test checks times, not counts per step.
  const sentAt = [];
  const handle = env.net.handle.bind(env.net);
  env.net.handle = (url, init) => { sentAt.push(s.clock.now()); return handle(url, init); };
  env.net.reply(
    { status: 429, headers: { 'Retry-After': '30' }, body: '{"code":"PT429","message":"slow down"}' },
    { status: 503, body: '{"code":"08006","message":"down"}' },
  );
  await oneClickSent(s, env);
  await s.clock.advance(29900);
  assert.equal(env.net.requests.length, 1, 'not before Retry-After (the header crossed the worker)');
  await s.clock.advance(2300);
  assert.equal(env.net.requests.length, 3, 'the 429 waited 30 s, the 503 was retried within the 2 s backoff cap');
  assert.ok(sentAt[1] - sentAt[0] >= 30000 && sentAt[1] - sentAt[0] <= 30200, `retry after ${sentAt[1] - sentAt[0]} ms, Retry-After said 30 s`);
  assert.ok(sentAt[2] - sentAt[1] < 2000 + 100, `the 503 retry came ${sentAt[2] - sentAt[1]} ms later, the cap is 2 s`);
  const first = ids(env.net.requests[0].json.events);
  assert.deepEqual(ids(env.net.requests[1].json.events), first);
  assert.deepEqual(ids(env.net.requests[2].json.events), first);
  await settle();
  assert.equal(s.tracker.stats().delivered, 1);
  assert.equal(s.net.requests.length, 0);
  s.tracker.destroy();
});

test('through the worker, per-event rejections reach the core', async () => {
  const env = new WorkerEnv();
  const s = setup(env.ports());
  await s.tracker.ready;
  s.tracker.trackClick('a');
  s.tracker.trackClick('b');
  env.net.reply({
    status: 200,
    body: { success: true, processed: 1, sessions_inserted: 0, page_views_inserted: 0, clicks_inserted: 1, duplicates: 0, rejected: [{ index: 1, reason: 'clickTarget too long' }] },
  });
  await s.clock.advance(10000);
  await settle();
  const st = s.tracker.stats();
  assert.equal(st.delivered, 1);
  assert.equal(st.dropped.rejected_by_server, 1);
  s.tracker.destroy();
});

test('an answer the worker never gets times out in the core: the worker aborts its fetch and the batch is retried', async () => {
  const env = new WorkerEnv();
  const s = setup({ ...env.ports(), requestTimeoutMs: 5000, retryBaseMs: 1000, retryCapMs: 1000 });
  env.net.reply('hang');
  await oneClickSent(s, env);
  await s.clock.advance(5100);
  const aborts = env.workers[0].received.filter((m) => m.abort);
  assert.equal(aborts.length, 1, 'the page told the worker to abort');
  assert.equal(env.net.requests[0].init.signal.aborted, true, "the worker's fetch was aborted");
  await s.clock.advance(1100);
  assert.equal(env.net.requests.length, 2, 'retried');
  assert.deepEqual(ids(env.net.requests[1].json.events), ids(env.net.requests[0].json.events));
  await settle();
  assert.equal(s.tracker.stats().delivered, 1);
  s.tracker.destroy();
});

test('keepalive at page hide is sent by the page, not the worker', async () => {
  const env = new WorkerEnv();
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible', referrer: '' });
  const s = setup({ ...env.ports(), window, document });
  await s.tracker.ready;
  s.tracker.trackClick('contact.phone');
  document.visibilityState = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
  assert.equal(s.net.requests.length, 1, 'sent synchronously by the page');
  assert.equal(s.net.requests[0].init.keepalive, true);
  assert.equal(env.net.requests.length, 0);
  await settle();
  assert.equal(s.tracker.stats().delivered, 1);
  s.tracker.destroy();
});

test('a CSP that refuses blob: workers: the page makes the requests, with no error and nothing lost', async () => {
  const env = new WorkerEnv({ refuse: true });
  const s = setup(env.ports());
  await oneClickSent(s, env);
  assert.equal(s.net.requests.length, 1);
  await settle();
  const st = s.tracker.stats();
  assert.equal(st.delivered, 1);
  assert.equal(st.shim.requestsFrom, 'page');
  assert.equal(st.shim.errors, 0);
  assert.deepEqual(s.warnings, []);
  s.tracker.destroy();
});

test('a worker that dies before answering: the page sends the events it held, and every later batch', async () => {
  const env = new WorkerEnv();
  const s = setup(env.ports());
  env.net.reply('hang');
  await oneClickSent(s, env);
  const held = ids(env.net.requests[0].json.events);
  env.workers[0].onerror(new Event('error'));
  await settle();
  assert.equal(s.net.requests.length, 1, 'the page sent what the worker held');
  assert.deepEqual(ids(s.net.requests[0].json.events), held);
  assert.equal(env.workers[0].terminated, true);
  s.tracker.trackClick('contact.email');
  await s.clock.advance(10000);
  assert.equal(s.net.requests.length, 2, 'later batches go through the page');
  assert.equal(env.workers.length, 1, 'no second worker');
  await settle();
  const st = s.tracker.stats();
  assert.equal(st.delivered, 2);
  assert.equal(st.shim.requestsFrom, 'page');
  s.tracker.destroy();
});

test('your own fetch turns the worker off by default; fetchInWorker must be a boolean', async () => {
  const env = new WorkerEnv();
  const { fetchInWorker, ...ports } = env.ports();
  assert.equal(fetchInWorker, true);
  const s = setup(ports); // the harness passes its own fetch
  await oneClickSent(s, env);
  assert.equal(s.net.requests.length, 1);
  assert.equal(env.workers.length, 0);
  assert.equal(s.tracker.stats().shim.requestsFrom, 'page');
  s.tracker.destroy();
  assert.throws(() => setup({ fetchInWorker: 'yes' }), /fetchInWorker must be a boolean/);
  const off = setup({ ...env.ports(), fetchInWorker: false });
  await oneClickSent(off, env);
  assert.equal(env.workers.length, 0);
  off.tracker.destroy();
});
