// Keeps the core's queue in localStorage and its session state in
// sessionStorage, so a reload (or a page that died mid-request) loses nothing.
// Writes happen only when the core says the queue changed (dirty()), at most
// once per microtask (a burst of track calls costs one snapshot), and
// synchronously at page hide.

export class Persistence {
  /**
   * @param {object} core
   * @param {import('./safe_storage.mjs').SafeStorage} local
   * @param {import('./safe_storage.mjs').SafeStorage} session
   * @param {{queue: string, session: string}} keys
   * @param {(fn: () => void) => void} queueMicrotask
   * @param {(e: unknown) => void} onError
   */
  constructor(core, local, session, keys, queueMicrotask, onError) {
    this.core = core;
    this.local = local;
    this.session = session;
    this.keys = keys;
    this.queueMicrotask = queueMicrotask;
    this.onError = onError;
    this.scheduled = false;
    this.lastSession = null;
    this.stopped = false;
    this.flushScheduled = () => {
      this.scheduled = false;
      this.writeNow();
    };
  }

  /** Loads what a previous page left. Returns the number of events restored. */
  restore(now) {
    const state = this.session.get(this.keys.session);
    if (state) this.core.restoreSession(state); // corrupt input is counted by the core
    this.lastSession = state;
    const snap = this.local.get(this.keys.queue);
    if (!snap) return 0;
    const n = this.core.restore(snap, now);
    return n > 0 ? n : 0;
  }

  schedule() {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.queueMicrotask(this.flushScheduled);
  }

  writeNow() {
    if (this.stopped) return;
    try {
      if (this.core.dirty()) this.local.set(this.keys.queue, this.core.snapshot());
      const state = this.core.sessionState();
      if (state !== this.lastSession) {
        this.session.set(this.keys.session, state);
        this.lastSession = state;
      }
    } catch (err) {
      this.onError(err);
    }
  }

  stop() {
    this.stopped = true;
  }
}
