// The tracker: the public object createTracker() returns, usable at once.
// Calls made before the WebAssembly core is ready are queued here, in order,
// with their own timestamps, and replayed when it is. Every public method
// catches and counts its own errors: analytics must never break the page.
import { loadCore } from './core_loader.mjs';
import { normalizeOptions } from './options.mjs';
import { resolvePorts } from './ports.mjs';
import { SafeStorage } from './safe_storage.mjs';
import { Persistence } from './persistence.mjs';
import { Pump } from './pump.mjs';
import { chooseTransports } from './transport_choice.mjs';
import { watchPageHide } from './page_lifecycle.mjs';
import { trackingAllowed, recordOptIn, recordOptOut } from './privacy.mjs';
import { startAutocapture } from './autocapture.mjs';
import { zeroCoreStats } from './stats_shape.mjs';
import { FLUSH_NOW } from './core_codes.mjs';

/** Calls kept while the core loads; beyond this the oldest are dropped (and counted). */
const MAX_PENDING_CALLS = 1000;
/** flush() stops after this many rounds even if events keep arriving. */
const MAX_FLUSH_ROUNDS = 20;

function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

function identityKey(id) {
  return id.userCode + '\u0000' + id.shareCode + '\u0000' + id.contactId;
}

export class Tracker {
  /**
   * @param {object} options  see js/index.d.ts
   * @param {{loadCore?: () => Promise<object>, identityPerCall?: boolean}} embedding
   */
  constructor(options, embedding = {}) {
    this.settings = normalizeOptions(options, { identityRequired: !embedding.identityPerCall });
    this.ports = resolvePorts(options);
    this.transports = chooseTransports(options, this.ports);
    this.state = 'loading';
    this.pending = [];
    this.counters = { errors: 0, storageErrors: 0, pendingDropped: 0, lastError: '' };
    this.core = null;
    this.pump = null;
    this.persistence = null;
    this.identityKey = null;
    this.warned = false;
    this.detach = [];

    const onStorageError = (err) => {
      this.counters.storageErrors++;
      this.counters.lastError = 'storage: ' + (err && err.message ? err.message : String(err));
    };
    this.local = new SafeStorage(this.ports.localStorage, onStorageError);
    this.session = new SafeStorage(this.ports.sessionStorage, onStorageError);
    const prefix = this.settings.storagePrefix;
    const id = this.settings.identity;
    const card = id ? ':' + id.userCode + ':' + id.shareCode : '';
    this.keys = { queue: prefix + ':queue' + card, session: prefix + ':session', page: prefix + ':page' + card };

    const load = embedding.loadCore || (() => loadCore({ wasmUrl: options.wasmUrl, wasmBinary: options.wasmBinary }));
    this.ready = Promise.resolve()
      .then(load)
      .then((mod) => this.boot(mod), (err) => this.goInert(err));

    try {
      if (this.settings.autocapture.clicks || this.settings.autocapture.pageViews) {
        this.detach.push(startAutocapture(this.settings.autocapture, this.ports, this.api(), (e) => this.shimError(e)));
      }
    } catch (err) {
      this.shimError(err);
    }
  }

  boot(mod) {
    if (this.state !== 'loading') return false; // destroyed while loading
    let core;
    try {
      core = new mod.Core();
      const configError = core.configure(this.settings.configJson);
      if (configError) {
        core.delete();
        return this.goInert(new TypeError('clik-analytics: invalid option: ' + configError));
      }
      core.seed(toHex(this.ports.random(new Uint8Array(32))));
      this.core = core;
      const now = this.ports.now();
      this.persistence = new Persistence(core, this.local, this.session, this.keys, {
        queueMicrotask: this.ports.queueMicrotask,
        now: this.ports.now,
        newId: () => toHex(this.ports.random(new Uint8Array(8))),
      }, (e) => this.shimError(e));
      this.persistence.restore(now);
      if (this.settings.identity) this.useIdentity(this.settings.identity);
      core.setEnabled(trackingAllowed(this.local, this.settings.storagePrefix, this.ports.navigator, this.settings.respectDoNotTrack));
      this.pump = new Pump(core, this.ports, this.transports, {
        changed: () => this.persistence.schedule(),
        error: (e) => this.shimError(e),
      });
      this.state = 'ready';
      const calls = this.pending;
      this.pending = [];
      for (const c of calls) this.apply(c.op, c.arg, c.identity, c.t);
      this.detach.push(watchPageHide(this.ports.window, this.ports.document, () => this.urgentFlush(),
        () => this.persistence.reopen()));
      this.detach.push(this.watchOtherPages());
      this.pump.pump();
      this.persistence.schedule();
      return true;
    } catch (err) {
      if (core && !this.core) {
        try { core.delete(); } catch { /* half-built */ }
      }
      return this.goInert(err);
    }
  }

  goInert(err) {
    if (this.state === 'destroyed') return false;
    this.state = 'inert';
    this.pending = [];
    this.counters.lastError = err && err.message ? err.message : String(err);
    if (!this.warned && this.ports.console && typeof this.ports.console.warn === 'function') {
      this.warned = true;
      try {
        this.ports.console.warn('clik-analytics: tracking is off for this page: ' + this.counters.lastError);
      } catch { /* a console that throws is not our problem */ }
    }
    if (this.core) {
      try { this.stopCore(); } catch { /* best effort */ }
    }
    return false;
  }

  shimError(err) {
    this.counters.errors++;
    this.counters.lastError = err && err.message ? err.message : String(err);
  }

  /** Records one call: applied now if the core is live, queued while it loads. */
  record(op, arg, identity) {
    this.recordAt(op, arg, identity, this.ports.now());
  }

  /** record() with the time the call was made (calls queued before init()). */
  recordAt(op, arg, identity, t) {
    if (this.state === 'ready') {
      this.apply(op, arg, identity, t);
    } else if (this.state === 'loading') {
      if (this.pending.length >= MAX_PENDING_CALLS) {
        this.pending.shift();
        this.counters.pendingDropped++;
      }
      this.pending.push({ op, arg, identity, t });
    }
  }

  apply(op, arg, identity, t) {
    const core = this.core;
    switch (op) {
      case 'optOut':
        core.setEnabled(false);
        this.pump.arm(this.ports.now());
        this.persistence.writeNow();
        return;
      case 'optIn':
        core.setEnabled(true);
        return;
      default:
        break;
    }
    const id = identity || this.settings.identity;
    if (!id || !this.useIdentity(id)) return;
    let r;
    if (op === 'session') {
      r = core.trackSession(t, this.userAgent(), this.referrer());
    } else if (op === 'page') {
      r = core.trackPageView(t, typeof arg === 'string' && arg.startsWith('page.') ? arg.slice(5) : arg);
    } else {
      r = core.trackClick(t, arg);
    }
    if (r === FLUSH_NOW) this.pump.pump();
    else if (r >= 0) this.pump.arm(this.ports.now());
    this.persistence.schedule();
  }

  useIdentity(id) {
    const key = identityKey(id);
    if (key === this.identityKey) return true;
    const r = this.core.setIdentity(id.userCode, id.shareCode, id.contactId || '');
    this.identityKey = r >= 0 ? key : null;
    return r >= 0;
  }

  userAgent() {
    try {
      const n = this.ports.navigator;
      return n && typeof n.userAgent === 'string' ? n.userAgent : '';
    } catch {
      return '';
    }
  }

  referrer() {
    try {
      const d = this.ports.document;
      return d && typeof d.referrer === 'string' ? d.referrer : '';
    } catch {
      return '';
    }
  }

  /** The page is hidden or going away: send what fits, hand the rest to other pages. */
  urgentFlush() {
    if (this.state !== 'ready') return;
    try {
      this.pump.drainUrgent(true);
    } catch (err) {
      this.shimError(err);
    }
    this.persistence.writeNow(true);
  }

  /** Another tab of this card closing hands its queue over (Persistence.onStorage). */
  watchOtherPages() {
    const win = this.ports.window;
    if (!win || typeof win.addEventListener !== 'function') return () => {};
    const onStorage = (event) => {
      if (this.state !== 'ready') return;
      try {
        if (this.persistence.onStorage(event) > 0) this.pump.arm(this.ports.now());
      } catch (err) {
        this.shimError(err);
      }
    };
    win.addEventListener('storage', onStorage);
    return () => win.removeEventListener('storage', onStorage);
  }

  async flush() {
    await this.ready;
    for (let round = 0; round < MAX_FLUSH_ROUNDS && this.state === 'ready'; round++) {
      // A batch waiting out a server-requested backoff is not forced out.
      if (this.pump.backingOff) break;
      const started = this.pump.drainUrgent(false);
      this.pump.pump();
      if (this.pump.inFlight.size === 0) break;
      const results = await this.pump.settled();
      if (started === 0 || results.some((ok) => !ok)) break;
    }
    if (this.state === 'ready') this.persistence.writeNow();
  }

  optOut() {
    recordOptOut(this.local, this.settings.storagePrefix);
    this.record('optOut');
  }

  optIn() {
    recordOptIn(this.local, this.settings.storagePrefix);
    this.record('optIn');
  }

  stats() {
    let s;
    if (this.core) {
      try {
        s = JSON.parse(this.core.stats());
      } catch (err) {
        this.shimError(err);
      }
    }
    if (!s) s = zeroCoreStats();
    s.shim = {
      state: this.state,
      errors: this.counters.errors,
      storageErrors: this.counters.storageErrors,
      lastError: this.counters.lastError,
      pendingCalls: this.pending.length,
      pendingDropped: this.counters.pendingDropped,
      requests: this.pump ? this.pump.requests : 0,
      requestsInFlight: this.pump ? this.pump.inFlight.size : 0,
      persistent: this.local.persistent,
      requestsFrom: this.transports.relay ? this.transports.relay.mode() : 'page',
    };
    return s;
  }

  sessionId(identity) {
    if (this.state !== 'ready') return '';
    const id = identity || this.settings.identity;
    if (!id || !this.useIdentity(id)) return '';
    const sid = this.core.sessionId(this.ports.now());
    this.persistence.schedule();
    return sid;
  }

  stopCore() {
    if (this.persistence) {
      // This page gives its queue up: other pages of the card may adopt it now.
      this.persistence.writeNow(true);
      this.persistence.stop();
    }
    if (this.pump) this.pump.stop();
    const core = this.core;
    this.core = null;
    if (core) core.delete();
  }

  destroy() {
    if (this.state === 'destroyed') return;
    for (const d of this.detach) {
      try { d(); } catch (err) { this.shimError(err); }
    }
    this.detach = [];
    this.state = 'destroyed';
    this.pending = [];
    this.stopCore();
    this.transports.close();
  }

  /** The public face (js/index.d.ts): bound, guarded methods. */
  api() {
    if (this.facade) return this.facade;
    const guard = (fn, fallback) => (...args) => {
      try {
        return fn(...args);
      } catch (err) {
        this.shimError(err);
        return typeof fallback === 'function' ? fallback() : fallback;
      }
    };
    this.facade = {
      ready: this.ready,
      trackView: guard(() => { this.record('session'); }),
      trackPageView: guard((page) => { this.record('page', page); }),
      trackClick: guard((target) => { this.record('click', target); }),
      flush: guard(() => this.flush().catch((err) => this.shimError(err)), () => Promise.resolve()),
      stats: guard(() => this.stats(), () => zeroCoreStats()),
      optOut: guard(() => this.optOut()),
      optIn: guard(() => this.optIn()),
      sessionId: guard(() => this.sessionId(null), ''),
      destroy: guard(() => this.destroy()),
    };
    return this.facade;
  }
}
