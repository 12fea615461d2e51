// The shim's I/O ports with their defaults. Tests (and the script-tag build)
// pass fakes; browsers and node use the real globals. Every default is looked
// up lazily and guarded: node has no window, document or storage, and a page
// may have disabled storage (reading window.localStorage can itself throw).

function safeGlobal(name) {
  try {
    return globalThis[name];
  } catch {
    return undefined;
  }
}

/**
 * Resolves the ports from createTracker's options.
 * @returns {{
 *   fetch: Function|undefined, now: () => number,
 *   setTimeout: Function, clearTimeout: Function, queueMicrotask: Function,
 *   random: (bytes: Uint8Array) => Uint8Array,
 *   localStorage: Storage|undefined, sessionStorage: Storage|undefined,
 *   window: EventTarget|undefined, document: Document|undefined,
 *   navigator: Navigator|undefined, history: History|undefined, location: Location|undefined,
 *   console: Console,
 *   Worker: Function|undefined, Blob: Function|undefined, URL: object|undefined,
 * }}
 */
export function resolvePorts(options) {
  const has = (k) => Object.prototype.hasOwnProperty.call(options, k);
  const pick = (k, fallback) => (has(k) ? options[k] : fallback());
  const win = pick('window', () => safeGlobal('window'));
  const cryptoObj = safeGlobal('crypto');
  const setT = pick('setTimeout', () => globalThis.setTimeout.bind(globalThis));
  return {
    fetch: pick('fetch', () => {
      const f = safeGlobal('fetch');
      return typeof f === 'function' ? f.bind(globalThis) : undefined;
    }),
    now: pick('now', () => () => Date.now()),
    setTimeout: setT,
    clearTimeout: pick('clearTimeout', () => globalThis.clearTimeout.bind(globalThis)),
    queueMicrotask: pick('queueMicrotask', () =>
      typeof globalThis.queueMicrotask === 'function'
        ? globalThis.queueMicrotask.bind(globalThis)
        : (fn) => Promise.resolve().then(fn)),
    random: pick('random', () => (bytes) => {
      if (cryptoObj && typeof cryptoObj.getRandomValues === 'function') return cryptoObj.getRandomValues(bytes);
      // No crypto at all (very old runtimes): the core still mixes in the clock.
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      return bytes;
    }),
    localStorage: pick('localStorage', () => (win ? safeProp(win, 'localStorage') : undefined)),
    sessionStorage: pick('sessionStorage', () => (win ? safeProp(win, 'sessionStorage') : undefined)),
    window: win,
    document: pick('document', () => safeGlobal('document')),
    navigator: pick('navigator', () => safeGlobal('navigator')),
    history: pick('history', () => (win ? safeProp(win, 'history') : undefined)),
    location: pick('location', () => (win ? safeProp(win, 'location') : undefined)),
    console: pick('console', () => globalThis.console),
    // For the fetch relay worker (worker_relay.mjs); node has no global Worker.
    Worker: pick('Worker', () => safeGlobal('Worker')),
    Blob: pick('Blob', () => safeGlobal('Blob')),
    URL: pick('URL', () => safeGlobal('URL')),
  };
}

function safeProp(obj, name) {
  try {
    return obj[name];
  } catch {
    return undefined;
  }
}
