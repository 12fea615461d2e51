// Keeps the core's queue in localStorage and its session state in
// sessionStorage, so a reload, a closed tab or a page that died mid-request
// loses nothing. Writes happen only when the core says the queue changed
// (dirty()), at most once per microtask (a burst of track calls costs one
// snapshot), and synchronously at page hide.
//
// One key per page: every tab of a card shares one localStorage, so a single
// queue key would let the last tab to write erase another tab's unsent events.
// Each page load writes under `<queue key>#<page id>` (a fresh random id), as
// `<o|c>:<written at ms>:<snapshot>`: 'o' while the page lives, 'c' once it
// was hidden or fired pagehide (it may die without another event) until it is
// shown again. A page adopts another page's queue when
//   - it is the previous page of the same tab (its id is in sessionStorage:
//     a reload, or a crash with no pagehide),
//   - that page closed ('c'; live pages hear of it through the storage event),
//   - that page wrote nothing for ABANDONED_AFTER_MS (killed without pagehide),
//   - or it is the single un-suffixed key that versions before per-page keys wrote.
// Adopting merges the snapshot into the core (which skips eventIds it already
// holds), writes our own key, and only then removes the other one, so a crash
// in between loses nothing. Two pages adopting one queue at once send the same
// eventIds twice; the server stores each once.
import { CORRUPT_INPUT } from './core_codes.mjs';

/** A page whose queue key went unwritten this long is taken to be dead. */
export const ABANDONED_AFTER_MS = 30 * 60 * 1000;

/** Longer than the core's empty snapshot ({"clik":1,"events":[]}), shorter than any other. */
const EMPTY_SNAPSHOT_MAX_CHARS = 64;
const OPEN = 'o';
const CLOSED = 'c';

export class Persistence {
  /**
   * @param {object} core
   * @param {import('./safe_storage.mjs').SafeStorage} local
   * @param {import('./safe_storage.mjs').SafeStorage} session
   * @param {{queue: string, session: string, page: string}} keys
   *   queue: the card's queue key (pages append `#<id>`); session: the session
   *   state; page: where the tab's current page id is kept (sessionStorage)
   * @param {{queueMicrotask: (fn: () => void) => void, now: () => number, newId: () => string}} ports
   * @param {(e: unknown) => void} onError
   */
  constructor(core, local, session, keys, ports, onError) {
    this.core = core;
    this.local = local;
    this.session = session;
    this.keys = keys;
    this.ports = ports;
    this.onError = onError;
    this.scheduled = false;
    this.lastSession = null;
    this.stopped = false;
    this.closed = false;
    this.pageKey = keys.queue + '#' + ports.newId();
    this.flushScheduled = () => {
      this.scheduled = false;
      this.writeNow();
    };
  }

  /** Loads what previous pages left. Returns the number of events restored. */
  restore(now) {
    const state = this.session.get(this.keys.session);
    if (state) this.core.restoreSession(state); // corrupt input is counted by the core
    this.lastSession = state;
    const previous = this.session.get(this.keys.page);
    this.session.set(this.keys.page, this.pageKey);
    // The previous page's key is named outright: storage that cannot be
    // enumerated (no key(i)) still hands a reload its queue.
    const candidates = new Set([this.keys.queue, ...this.local.keysWithPrefix(this.keys.queue + '#')]);
    if (previous) candidates.add(previous);
    candidates.delete(this.pageKey);
    return this.adopt([...candidates].filter((key) => key === previous || this.abandoned(key, now)), now);
  }

  /**
   * window 'storage' listener: another page of this origin wrote a key. When
   * it is a queue of this card whose page just closed, take its events now
   * rather than at the next page load (the visitor may never come back).
   * Returns the number of events taken over.
   */
  onStorage(event) {
    if (this.stopped || !event || typeof event.key !== 'string') return 0;
    if (!event.key.startsWith(this.keys.queue + '#') || event.key === this.pageKey) return 0;
    if (typeof event.newValue !== 'string' || !event.newValue.startsWith(CLOSED + ':')) return 0;
    return this.adopt([event.key], this.ports.now());
  }

  schedule() {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.ports.queueMicrotask(this.flushScheduled);
  }

  /**
   * Writes what changed. closing: the page is hidden or going away, so its
   * queue is marked for adoption (or its key removed when nothing is left).
   */
  writeNow(closing = false) {
    if (this.stopped) return;
    try {
      if (closing) this.closed = true;
      if (this.core.dirty() || closing) this.writeQueue();
      const state = this.core.sessionState();
      if (state !== this.lastSession) {
        this.session.set(this.keys.session, state);
        this.lastSession = state;
      }
    } catch (err) {
      this.onError(err);
    }
  }

  /**
   * The page is shown again (visible, or back from the bfcache): its queue is
   * its own again. Until then a closed page's writes (a late answer to its
   * keepalive requests) keep the key marked closed, for other pages to adopt.
   */
  reopen() {
    if (this.stopped || !this.closed) return;
    this.closed = false;
    try {
      this.writeQueue();
    } catch (err) {
      this.onError(err);
    }
  }

  stop() {
    this.stopped = true;
  }

  writeQueue() {
    const snapshot = this.core.snapshot();
    // An empty queue leaves no key behind. Any event makes a snapshot longer
    // than this (its eventId alone is 36 characters), so the core is asked
    // for counts only when the snapshot may be empty.
    if (snapshot.length < EMPTY_SNAPSHOT_MAX_CHARS && this.heldEvents() === 0) {
      this.local.remove(this.pageKey);
    } else {
      this.local.set(this.pageKey, (this.closed ? CLOSED : OPEN) + ':' + this.ports.now() + ':' + snapshot);
    }
  }

  heldEvents() {
    const s = JSON.parse(this.core.stats());
    return s.queued + s.inFlight;
  }

  /** True when the page that wrote `key` is gone (closed, or silent too long). */
  abandoned(key, now) {
    const entry = parseEntry(this.local.get(key));
    if (!entry) return key === this.keys.queue; // the un-suffixed key has no header
    return entry.state === CLOSED || now - entry.writtenAt >= ABANDONED_AFTER_MS;
  }

  adopt(keys, now) {
    let restored = 0;
    const taken = [];
    for (const key of keys) {
      const value = this.local.get(key);
      if (value === null) continue;
      const entry = parseEntry(value);
      const n = this.core.restore(entry ? entry.snapshot : value, now);
      // Taken even when corrupt (counted in restoreErrors by the core): a value
      // no clik v1 core can read would otherwise be re-read at every page load.
      // Any other refusal (tracking disabled here) leaves the key to its owner.
      if (n < 0 && n !== CORRUPT_INPUT) continue;
      if (n > 0) restored += n;
      taken.push(key);
    }
    if (taken.length === 0) return 0;
    if (restored > 0 || this.core.dirty()) this.writeQueue();
    for (const key of taken) this.local.remove(key);
    return restored;
  }
}

/** `<o|c>:<ms>:<snapshot>` -> its parts; null for anything else. */
function parseEntry(value) {
  if (typeof value !== 'string' || value.length < 4 || value.charAt(1) !== ':') return null;
  const state = value.charAt(0);
  if (state !== OPEN && state !== CLOSED) return null;
  const end = value.indexOf(':', 2);
  if (end < 0) return null;
  const writtenAt = Number(value.slice(2, end));
  if (!Number.isFinite(writtenAt)) return null;
  return { state, writtenAt, snapshot: value.slice(end + 1) };
}
