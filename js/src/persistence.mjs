// Keeps the core's queue in localStorage and its session state in
// sessionStorage, so a reload, a closed tab or a page that died mid-request
// loses nothing. Writes happen only when the core says the queue changed
// (dirty()), at most once per microtask (a burst of track calls costs one
// write), and synchronously at page hide.
//
// Incremental: a write stores only the events that are new since the last one
// (Core.snapshotSince), as one more chunk, and deletes the chunks whose events
// have all left the core (below Core.heldFloor()). Rewriting the whole queue
// after every burst cost more as the queue grew (in flight, waiting for a slow
// answer) and was most of a track call's cost in the browser.
//
// A burst costs one storage write, its chunk: every setItem costs the page's
// main thread ~0.1 ms in Chromium at a few KB (bench/js/profile.mjs), so the head is
// rewritten only when what it says changes (chunks deleted, open/closed) or
// every HEAD_REFRESH_MS, and the session state only when the core's session
// revision moved (a new or renewed id), at page hide, or every
// SESSION_REFRESH_MS (its last-seen times; a crash loses at most that much of
// the 30-minute inactivity clock, never a session id).
//
// One set of keys per page: every tab of a card shares one localStorage, so a
// single queue key would let the last tab to write erase another tab's unsent
// events. Each page load (a fresh random id) writes
//   `<queue key>#<page id>`      the head: `<o|c>:<written at ms>:<first chunk>+`
//   `<queue key>#<page id>/<n>`  a chunk: a snapshot of the events new at that write
// A page's chunks are numbered n, n+1, ... with no gaps (the oldest go first),
// so the head names the first and a reader takes every chunk from there on
// (older versions wrote the list, `<n>,<n>,...`, which is still read).
// 'o' while the page lives, 'c' once it was hidden or fired pagehide (it may
// die without another event) until it is shown again. A page adopts another
// page's queue when
//   - it is the previous page of the same tab (its head key is in
//     sessionStorage: a reload, or a crash with no pagehide),
//   - that page closed ('c'; live pages hear of it through the storage event),
//   - that page wrote nothing for ABANDONED_AFTER_MS (killed without pagehide),
//   - or it is the single un-suffixed key that versions before per-page keys wrote.
// Adopting merges the chunks into the core (which skips eventIds it already
// holds), writes them under our own keys, and only then removes the other
// page's, so a crash in between loses nothing. Two pages adopting one queue at
// once send the same eventIds twice; the server stores each once.
import { CORRUPT_INPUT } from './core_codes.mjs';

/** A page whose head went unwritten this long is taken to be dead. */
export const ABANDONED_AFTER_MS = 30 * 60 * 1000;
/** Past this many chunks the queue is rewritten as one (a long-held event pins later chunks). */
export const MAX_CHUNKS = 16;
/** A live page rewrites its head at least this often while it writes (abandonment is judged on it). */
export const HEAD_REFRESH_MS = 60 * 1000;
/** Last-seen times reach sessionStorage at most this late (ids and page hide: at once). */
export const SESSION_REFRESH_MS = 60 * 1000;

const OPEN = 'o';
const CLOSED = 'c';

export class Persistence {
  /**
   * @param {object} core
   * @param {import('./safe_storage.mjs').SafeStorage} local
   * @param {import('./safe_storage.mjs').SafeStorage} session
   * @param {{queue: string, session: string, page: string}} keys
   *   queue: the card's queue key (pages append `#<id>`); session: the session
   *   state; page: where the tab's current head key is kept (sessionStorage)
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
    this.sessionRevision = -1;
    this.sessionWrittenAt = -Infinity;
    /** What the head in storage says: {state, first, at}, null when there is none. */
    this.headWritten = null;
    this.stopped = false;
    this.closed = false;
    this.head = keys.queue + '#' + ports.newId();
    /** Chunks written and still needed: {n, upTo} (upTo: the core's persistMark() then). */
    this.chunks = [];
    this.nextChunk = 0;
    /** persistMark() at the last write: what the chunks hold up to. */
    this.mark = 0;
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
    this.sessionRevision = this.core.sessionRevision();
    this.sessionWrittenAt = now;
    const previous = this.session.get(this.keys.page);
    this.session.set(this.keys.page, this.head);
    // The previous page's head is named outright: storage that cannot be
    // enumerated (no key(i)) still hands a reload its queue.
    const candidates = new Set([this.keys.queue, ...this.otherHeads()]);
    if (previous) candidates.add(previous);
    candidates.delete(this.head);
    return this.adopt([...candidates].filter((key) => key === previous || this.abandoned(key, now)), now);
  }

  /**
   * window 'storage' listener: another page of this origin wrote a key. When
   * it is the head of a queue of this card whose page just closed, take its
   * events now rather than at the next page load (the visitor may never come
   * back). Returns the number of events taken over.
   */
  onStorage(event) {
    if (this.stopped || !event || typeof event.key !== 'string') return 0;
    if (!isHeadOf(this.keys.queue, event.key) || event.key === this.head) return 0;
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
   * queue is marked for adoption (or its keys removed when nothing is left).
   */
  writeNow(closing = false) {
    if (this.stopped) return;
    try {
      if (closing) this.closed = true;
      if (this.core.dirty() || closing) this.writeQueue();
      const now = this.ports.now();
      const revision = this.core.sessionRevision();
      if (closing || revision !== this.sessionRevision || now - this.sessionWrittenAt >= SESSION_REFRESH_MS) {
        const state = this.core.sessionState();
        if (state !== this.lastSession) {
          this.session.set(this.keys.session, state);
          this.lastSession = state;
        }
        this.sessionRevision = revision;
        this.sessionWrittenAt = now;
      }
    } catch (err) {
      this.onError(err);
    }
  }

  /**
   * The page is shown again (visible, or back from the bfcache): its queue is
   * its own again. Until then a closed page's writes (a late answer to its
   * keepalive requests) keep its head marked closed, for other pages to adopt.
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
    const core = this.core;
    const mark = core.persistMark();
    // Writing a snapshot changes nothing the core holds: one floor serves both uses.
    const floor = core.heldFloor();
    if (floor > mark) {
      // Nothing held: leave no key behind.
      core.markPersisted();
      for (const c of this.chunks) this.local.remove(this.chunkKey(c.n));
      this.chunks = [];
      this.mark = mark;
      this.local.remove(this.head);
      this.headWritten = null;
      return;
    }
    const stale = [];
    if (this.chunks.length >= MAX_CHUNKS) {
      // Rewrite everything held as one chunk; the old ones go once the head names it.
      stale.push(...this.chunks);
      this.chunks = [];
      this.addChunk(core.snapshotSince(0), mark);
    } else if (mark > this.mark) {
      this.addChunk(core.snapshotSince(this.mark), mark);
    } else {
      core.markPersisted(); // events only left: nothing new to write
    }
    this.mark = mark;
    const kept = [];
    for (const c of this.chunks) (c.upTo < floor ? stale : kept).push(c);
    this.chunks = kept;
    // The head first, then the deletions: a crash in between leaves extra
    // chunks (sent again, stored once), never a head naming a missing one.
    const state = this.closed ? CLOSED : OPEN;
    const first = kept.length ? kept[0].n : this.nextChunk;
    const now = this.ports.now();
    const h = this.headWritten;
    if (!h || h.state !== state || h.first !== first || now - h.at >= HEAD_REFRESH_MS) {
      this.local.set(this.head, state + ':' + now + ':' + first + '+');
      this.headWritten = { state, first, at: now };
    }
    for (const c of stale) this.local.remove(this.chunkKey(c.n));
  }

  addChunk(snapshot, upTo) {
    const n = this.nextChunk++;
    this.local.set(this.chunkKey(n), snapshot);
    this.chunks.push({ n, upTo });
  }

  /** The chunk keys a head names: its list, or every chunk from its first on. */
  namedChunks(key, head) {
    if (head.from < 0) return head.chunks.map((n) => this.chunkKey(n, key));
    const keys = [];
    // Gapless from `from`; a page never holds more than MAX_CHUNKS + 1 at once.
    for (let n = head.from; n <= head.from + MAX_CHUNKS + 1; n++) {
      const k = this.chunkKey(n, key);
      if (this.local.get(k) === null) break;
      keys.push(k);
    }
    return keys;
  }

  chunkKey(n, head = this.head) {
    return head + '/' + n;
  }

  /** Heads of other pages of this card found in storage (none if it cannot be enumerated). */
  otherHeads() {
    return this.local.keysWithPrefix(this.keys.queue + '#').filter((key) => isHeadOf(this.keys.queue, key));
  }

  /** True when the page that wrote head `key` is gone (closed, or silent too long). */
  abandoned(key, now) {
    const head = parseHead(this.local.get(key));
    if (!head) return key === this.keys.queue; // the un-suffixed key has no header
    return head.state === CLOSED || now - head.writtenAt >= ABANDONED_AFTER_MS;
  }

  adopt(heads, now) {
    let restored = 0;
    const taken = [];
    for (const key of heads) {
      const value = this.local.get(key);
      if (value === null) continue;
      const head = parseHead(value);
      // A head's chunks: those it names, and any the storage shows under it.
      const chunks = head
        ? [...new Set([...this.namedChunks(key, head), ...this.local.keysWithPrefix(key + '/')])]
        : [];
      const snapshots = head ? chunks : [key]; // the un-suffixed key is one snapshot
      let refused = false;
      for (const k of snapshots) {
        const snapshot = this.local.get(k);
        if (snapshot === null) continue;
        const n = this.core.restore(snapshot, now);
        // Any refusal but corrupt input (counted in restoreErrors by the core;
        // a value no clik v1 core can read would otherwise be re-read at every
        // page load) leaves the keys to their owner: tracking is disabled here.
        if (n < 0 && n !== CORRUPT_INPUT) refused = true;
        else if (n > 0) restored += n;
      }
      if (!refused) taken.push(key, ...chunks);
    }
    if (taken.length === 0) return 0;
    this.writeQueue(); // our own keys hold the adopted events before theirs go
    for (const key of taken) this.local.remove(key);
    return restored;
  }
}

/** True for `<queue>#<page id>` (a head), false for its chunks and anything else. */
function isHeadOf(queue, key) {
  return key.startsWith(queue + '#') && key.indexOf('/', queue.length + 1) < 0;
}

/** `<o|c>:<ms>:<n>+` or `<o|c>:<ms>:<n,n,...>` -> its parts (from: -1 for a list); null for anything else. */
function parseHead(value) {
  if (typeof value !== 'string' || value.length < 4 || value.charAt(1) !== ':') return null;
  const state = value.charAt(0);
  if (state !== OPEN && state !== CLOSED) return null;
  const end = value.indexOf(':', 2);
  if (end < 0) return null;
  const writtenAt = Number(value.slice(2, end));
  if (!Number.isFinite(writtenAt)) return null;
  const list = value.slice(end + 1);
  if (list.endsWith('+')) {
    const from = Number(list.slice(0, -1));
    return Number.isInteger(from) && from >= 0 ? { state, writtenAt, chunks: [], from } : null;
  }
  const chunks = list === '' ? [] : list.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 0);
  return { state, writtenAt, chunks, from: -1 };
}
