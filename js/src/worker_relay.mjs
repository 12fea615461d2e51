// A fetch() whose requests are made by a dedicated worker: the page's main
// thread only posts the request body to it and gets {status, Retry-After, text}
// back. Why: in Chromium one fetch() costs the main thread far more than the
// whole batch it carries (bench/js: a plain POST per 20 events costs ~17x the
// pure-JS baseline per event; made from a worker, a fraction of it).
//
// Used for normal batches only. Keepalive requests (page hide) are made by the
// page itself: a worker dies with its page, a keepalive fetch must outlive it.
//
// Fails safe to the page's own fetch: no Worker/Blob in this runtime (node),
// a CSP that forbids blob: workers (the constructor throws, or the worker fires
// 'error' before it answers), or any later worker error. Requests the dead
// worker had not answered are made again by the page; one that did reach the
// server is then sent twice, which the server's eventId dedupe makes harmless.
//
// The relay decides nothing: retry, backoff and timeouts stay in the core (the
// pump aborts through the request's signal; the worker aborts its fetch).

// The worker's whole program, shipped as this function's source (so it is
// minified with the rest). It must use nothing but the worker's globals.
// Answers [id, status, retryAfter, text]; status 0 when the request got no
// HTTP answer, like a rejected fetch on the page.
function relayWorkerMain() {
  const aborts = new Map();
  self.onmessage = (e) => {
    const m = e.data;
    if (m.abort) {
      const c = aborts.get(m.id);
      if (c) c.abort();
      return;
    }
    const c = new AbortController();
    aborts.set(m.id, c);
    fetch(m.url, { method: 'POST', headers: m.headers, body: m.body, credentials: 'omit', signal: c.signal })
      .then((r) => r.text().catch(() => '').then((t) => [r.status, r.headers.get('Retry-After') || '', t]), () => [0, '', ''])
      .then((r) => {
        aborts.delete(m.id);
        self.postMessage([m.id, r[0], r[1], r[2]]);
      });
  };
}

export const RELAY_SOURCE = '(' + relayWorkerMain + ')()';

/**
 * @param {{Worker?: Function, Blob?: Function, URL?: {createObjectURL: Function, revokeObjectURL: Function}}} env
 * @param {Function} pageFetch  the page's own fetch (the fallback, and every keepalive request)
 * @returns {{fetch: Function, close: () => void, mode: () => 'worker'|'page'|'idle'}}
 */
export function workerRelay(env, pageFetch) {
  const canStart = typeof env.Worker === 'function' && typeof env.Blob === 'function' &&
    env.URL && typeof env.URL.createObjectURL === 'function';
  let worker = null;
  let dead = !canStart;
  let answered = false;
  let nextId = 0;
  const pending = new Map(); // id -> {resolve, url, init}

  function die() {
    if (worker) {
      try { worker.terminate(); } catch { /* already gone */ }
    }
    worker = null;
    dead = true;
    const left = Array.from(pending.values());
    pending.clear();
    for (const p of left) p.resolve(pageFetch(p.url, p.init));
  }

  function start() {
    let url = '';
    try {
      url = env.URL.createObjectURL(new env.Blob([RELAY_SOURCE], { type: 'text/javascript' }));
      worker = new env.Worker(url);
    } catch {
      die();
    }
    if (!worker) return;
    worker.onmessage = (e) => {
      if (!answered) {
        answered = true;
        try { env.URL.revokeObjectURL(url); } catch { /* only a leak of one small blob */ }
      }
      const [id, status, retryAfter, text] = e.data;
      const p = pending.get(id);
      if (!p) return; // aborted meanwhile
      pending.delete(id);
      p.resolve(relayedResponse(status, retryAfter, text));
    };
    worker.onerror = () => die();
  }

  function relayedFetch(url, init) {
    if (init.keepalive || dead) return pageFetch(url, init);
    if (!worker) start();
    if (dead) return pageFetch(url, init);
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, url, init });
      worker.postMessage({ id, url, headers: init.headers, body: init.body });
      const signal = init.signal;
      if (signal) {
        signal.addEventListener('abort', () => {
          if (!pending.delete(id)) return;
          if (worker) worker.postMessage({ id, abort: true });
          reject(abortError());
        }, { once: true });
      }
    });
  }

  return {
    fetch: relayedFetch,
    close() {
      if (worker) {
        try { worker.terminate(); } catch { /* already gone */ }
      }
      worker = null;
      dead = true;
    },
    mode: () => (worker ? 'worker' : dead ? 'page' : 'idle'),
  };
}

/** What a rejected fetch looks like to the transport: status 0, no answer. */
function relayedResponse(status, retryAfter, text) {
  if (!status) return Promise.reject(new TypeError('Failed to fetch (in the relay worker)'));
  return {
    status,
    headers: { get: (name) => (String(name).toLowerCase() === 'retry-after' && retryAfter ? retryAfter : null) },
    text: () => Promise.resolve(text),
  };
}

function abortError() {
  const err = new Error('The request was aborted');
  err.name = 'AbortError';
  return err;
}
