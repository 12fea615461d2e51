// Types of the WebAssembly core module as the JS shim sees it (plain wasm exports
// wrapped by bindings/clik_core_module.mjs, copied to build/wasm/clik_core.mjs).
// Hand-written; bindings/clik_core_bindings.cpp must match it exactly.
//
// The core is sans-I/O: it never reads a clock, a random source, storage or
// the network. Every entry point that depends on time takes `nowMs`
// (milliseconds since the Unix epoch, from Date.now()). The shim:
//   1. asks `nextDeadline(now)` when to wake next and sets one timer,
//   2. on wake (or after a track call returned FLUSH_NOW) calls
//      `pollBatch(now)` and sends the body it gets, if any,
//   3. reports the outcome with `onResult(requestId, now, status, retryAfter, body)`.
// Retry, backoff, size caps and drop rules live only in the core.
//
// Errors are values: no method throws for bad input. Methods returning a
// status code return >= 0 on success and a negative `CoreError` otherwise;
// `lastError()` then holds a human-readable message.

/** Status codes returned by the track* methods (>= 0) and errors (< 0). */
export const enum TrackStatus {
  /** Event queued; no flush due yet. */
  QUEUED = 0,
  /** Event queued and a normal flush is due now: call pollBatch(now). */
  FLUSH_NOW = 1,
}

export const enum CoreError {
  /** Bad argument (empty target, not a string, invalid config...). See lastError(). */
  INVALID_ARGUMENT = -1,
  /** setIdentity() has not been called with a valid userCode + shareCode. */
  NO_IDENTITY = -2,
  /** Tracking is disabled (setEnabled(false): opt-out / DNT / GPC). Nothing queued. */
  DISABLED = -3,
  /** restore()/restoreSession() input was corrupt, foreign or of another version. */
  CORRUPT_INPUT = -4,
  /** onResult() named a request id that is not in flight (late or duplicate answer). */
  UNKNOWN_REQUEST = -5,
}

export interface Core {
  /**
   * Applies configuration (JSON object; every key optional, unknown keys are an error):
   * {
   *   "maxBatchEvents": 20,          // flush when this many events are queued
   *   "flushIntervalMs": 10000,      // flush this long after the oldest unsent event
   *   "maxBatchBytes": 49152,        // a normal request body never exceeds this
   *   "urgentRequestBytes": 16384,   // one keepalive request body at most
   *   "urgentTotalBytes": 61440,     // all keepalive bodies of one urgent flush (< 64 KiB browser budget)
   *   "maxQueueEvents": 1000,        // oldest dropped (and counted) beyond this
   *   "maxStringBytes": 512,         // longer strings are truncated on a UTF-8 boundary
   *   "sessionTimeoutMs": 1800000,   // 30 min of inactivity renews the session
   *   "retryBaseMs": 1000,           // backoff: full jitter in [0, min(cap, base * 2^attempt))
   *   "retryCapMs": 60000,
   *   "retryAfterCapMs": 300000,     // a server's Retry-After is honoured up to this
   *   "maxAttempts": 10,             // HTTP-level retryable failures before a batch is dropped
   *   "requestTimeoutMs": 15000,     // the shim aborts a request after this and reports status 0
   *   "maxEventAgeMs": 518400000,    // 6 days: older unsent events are dropped (server window is 7 days)
   *   "clickRules": [{"prefix": "booking.", "category": "booking"}, {"exact": "aiAgent", "category": "aiAgent"}]
   * }
   * Returns "" on success or an error message (nothing is changed then).
   */
  configure(configJson: string): string;

  /** Adds entropy: hex string of >= 32 random bytes from crypto.getRandomValues. Call once before tracking. */
  seed(hex: string): void;

  /** Sets the card the following track* calls describe. contactId "" means none. */
  setIdentity(userCode: string, shareCode: string, contactId: string): number;

  /** Starts (or continues) the session for the current identity and queues a `session` event. */
  trackSession(nowMs: number, userAgent: string, referrer: string): number;
  /** Queues a `page_view`; pageType like "home" ("page." prefix already stripped by the shim). */
  trackPageView(nowMs: number, pageType: string): number;
  /** Queues a `click`; the category is derived from the target by the click rules. */
  trackClick(nowMs: number, target: string): number;

  /** The session id for the current identity, created or renewed per the 30-minute rule (seed's getOrCreateSessionId). */
  sessionId(nowMs: number): string;
  /** The click category the rules give a target (for tests and the seed helpers). */
  clickCategory(target: string): string;

  /** Absolute time (ms) at which pollBatch should next be called, or -1 when nothing is pending. */
  nextDeadline(nowMs: number): number;
  /**
   * The next normal request body, a JSON array in the seed's wire format
   * (`[{"type":..., "data":{...}, "timestamp":...}]`), or "" when nothing is due or a
   * request is already in flight. At most one normal request is in flight.
   * After a non-empty return, `requestId()` names it.
   */
  pollBatch(nowMs: number): string;
  /**
   * Urgent flush at page hide/unload. Call repeatedly until it returns "": each call
   * returns one body of at most urgentRequestBytes, all bodies together at most
   * urgentTotalBytes. Events handed over here stay in the snapshot (as in flight) until
   * a result confirms them, so a page that dies is replayed on the next load and the
   * server's eventId dedupe makes the replay harmless.
   */
  pollUrgent(nowMs: number): string;
  /** Id of the request returned by the last successful pollBatch/pollUrgent. */
  requestId(): number;
  /**
   * Reports a request's outcome. status: HTTP status, or 0 for a network error /
   * timeout / abort. retryAfter: the Retry-After header value ("" if none).
   * body: the response body text ("" if none). Returns >= 0 or a CoreError.
   */
  onResult(requestId: number, nowMs: number, status: number, retryAfter: string, body: string): number;
  /** Milliseconds after which the shim must abort an in-flight request and report status 0. */
  requestTimeoutMs(): number;

  /** Compact string of every unsent and in-flight event (for localStorage). */
  snapshot(): string;
  /**
   * Incremental persistence. Every held event has a sequence number, given when
   * it was tracked or restored. persistMark(): the newest given (0: none yet).
   * snapshotSince(mark): a snapshot of the held events after `mark` (0: all;
   * a mark that is not one persistMark() returned also means all); clears dirty().
   * heldFloor(): the smallest sequence number still held (persistMark() + 1 when
   * nothing is): a persisted chunk whose events all lie below it can be deleted.
   */
  persistMark(): number;
  snapshotSince(mark: number): string;
  heldFloor(): number;
  /** True when the queue changed since the last snapshot()/snapshotSince()/markPersisted() call (the shim persists only then). */
  dirty(): boolean;
  /** The caller's storage holds what it needs (events only left the core: nothing new to write): clears dirty(). */
  markPersisted(): void;
  /** Loads a snapshot, merging with the current queue (duplicates by eventId skipped). Returns events restored or CORRUPT_INPUT. */
  restore(snapshot: string, nowMs: number): number;
  /** Session state of every identity (for sessionStorage). */
  sessionState(): string;
  /**
   * Changes whenever a session id is created, renewed or restored; not when a
   * session is only seen again (its last-seen time moves). The shim writes
   * sessionState() at once when it changed, and the last-seen times lazily.
   */
  sessionRevision(): number;
  /** Loads session state. Returns >= 0 or CORRUPT_INPUT. */
  restoreSession(state: string): number;

  /** Enables/disables tracking. Disabling drops the queue (counted as "opt_out"). */
  setEnabled(enabled: boolean): void;

  /**
   * Counters as JSON:
   * {"queued":n,"inFlight":n,"tracked":n,"delivered":n,"retries":n,"truncated":n,
   *  "restoreErrors":n,"invalidCalls":n,
   *  "dropped":{"queue_overflow":n,"rejected_by_server":n,"permanent_failure":n,
   *             "retries_exhausted":n,"expired":n,"opt_out":n}}
   */
  stats(): string;

  /** Human-readable message of the last error. */
  lastError(): string;

  /** Frees the C++ object; any later call on this Core throws. */
  delete(): void;
}

export interface CoreModule {
  Core: { new (): Core };
}

/**
 * Loads the module: from `wasmBinary` (no fetch; what node callers pass), else
 * from the URL `locateFile('clik_core.wasm', '')` returns, else from
 * clik_core.wasm next to this module. Rejects when it cannot compile (e.g. a
 * CSP without 'wasm-unsafe-eval').
 */
export default function createClikCore(options?: {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
}): Promise<CoreModule>;
