// Public types of clik-analytics (hand-written; js/src/index.mjs implements them).

/** What a transport reports back: the core decides retry or drop from it. */
export interface DeliveryResult {
  /** HTTP status; 0 when no HTTP answer arrived (network error, CORS, abort). */
  status: number;
  /** The Retry-After header value, if any. */
  retryAfter?: string;
  /** The response body (the RPC's JSON, with per-event `rejected: [{index, reason}]`). */
  body?: string | object;
}

/** What a custom `transport` receives for each request. */
export interface TransportRequest {
  /** The batch: a JSON array string in the seed's wire format. */
  batch: string;
  /** The RPC body: `{"events": <batch>}`. */
  body: string;
  /** The batch parsed (parsed on first access). */
  readonly events: Array<{ type: 'session' | 'page_view' | 'click'; data: Record<string, unknown>; timestamp: number }>;
  /** True for the urgent flush at page hide (the request must outlive the page). */
  keepalive: boolean;
  /** Aborted when the request times out (requestTimeoutMs). */
  signal?: AbortSignal;
}

/**
 * A transport: resolves to a DeliveryResult, a bare HTTP status, or nothing
 * (= 200, delivered). A rejection or a throw means status 0 (network error).
 */
export type Transport = (request: TransportRequest) => Promise<DeliveryResult | number | void> | DeliveryResult | number | void;

/** A rule mapping click targets to a category (the first match wins). */
export type ClickRule = { prefix: string; category: string } | { exact: string; category: string };

/** Minimal shape of a @supabase/supabase-js v2 client used here. */
export interface SupabaseClientLike {
  rpc(fn: string, args: object): PromiseLike<{ data: unknown; error: unknown; status: number }>;
  supabaseUrl?: string;
  supabaseKey?: string;
}

export interface AutocaptureOptions {
  /** Clicks on elements inside `[data-clik-track="<target>"]` send trackClick(target). */
  clicks?: boolean;
  /** The first page view and SPA route changes (pushState/replaceState/popstate) send page views. */
  pageViews?: boolean;
  /** Names the page for a location (default: last path segment, "/" -> "home"); "" or null skips it. */
  pageType?: (location: Location) => string | null | undefined;
}

/** Overrides of the core's policy (ranges are checked by the core; see bindings/clik_core.d.ts). */
export interface CoreOptions {
  maxBatchEvents?: number;
  flushIntervalMs?: number;
  maxBatchBytes?: number;
  urgentRequestBytes?: number;
  urgentTotalBytes?: number;
  maxQueueEvents?: number;
  maxStringBytes?: number;
  sessionTimeoutMs?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  retryAfterCapMs?: number;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  maxEventAgeMs?: number;
  clickRules?: ClickRule[];
}

/** I/O ports, all optional: the real globals are used by default (tests pass fakes). */
export interface TrackerPorts {
  fetch?: typeof fetch;
  /** Clock in ms since the epoch (default Date.now). */
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: any) => void;
  queueMicrotask?: (fn: () => void) => void;
  /** Fills the array with random bytes (default crypto.getRandomValues). */
  random?: (bytes: Uint8Array) => Uint8Array;
  /**
   * Where queues persist (default window.localStorage). Its length/key(i) let a
   * page find and adopt the queues other tabs of the card left; a store without
   * them still hands a reload its own queue (named in sessionStorage).
   */
  localStorage?: Storage | null;
  /** Session state and the tab's current queue key (default window.sessionStorage). */
  sessionStorage?: Storage | null;
  window?: (EventTarget & object) | null;
  document?: Document | null;
  navigator?: Partial<Navigator> | null;
  history?: History | null;
  location?: Location | null;
  console?: Pick<Console, 'warn'>;
  /** For the request worker (see fetchInWorker); defaults: the globals (node has no Worker). */
  Worker?: typeof Worker | null;
  Blob?: typeof Blob | null;
  URL?: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'> | null;
}

interface CommonOptions extends CoreOptions, TrackerPorts {
  /** The card the events describe. */
  userCode: string;
  shareCode: string;
  /** The contact this share page was sent to, if any. */
  contactId?: string;
  /** Honour Do Not Track and Global Privacy Control (default true). */
  respectDoNotTrack?: boolean;
  /** Opt-in autocapture: true = clicks + page views. */
  autocapture?: boolean | AutocaptureOptions;
  /** Prefix of the storage keys (default "clik"). */
  storageKey?: string;
  /**
   * With supabaseUrl + supabaseKey: normal batches are sent by a dedicated
   * worker (a blob: URL) with the worker's global fetch, so the page's main
   * thread does not pay for the request. Default: true, unless you pass your
   * own `fetch` (which the worker could not use; it then serves every request).
   * Keepalive requests at page hide are always made by the page. Where no
   * worker can start (node, a CSP without `worker-src blob:`) the page makes
   * the requests itself, silently (stats().shim.requestsFrom says which).
   */
  fetchInWorker?: boolean;
  /** Where the .wasm is (default: next to the module, new URL('./clik_core.wasm', import.meta.url)). */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves (no fetch). */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/** Exactly one way to reach the server. */
export type TrackerOptions = CommonOptions & (
  | { supabaseUrl: string; supabaseKey: string; supabaseClient?: never; transport?: never }
  | { supabaseClient: SupabaseClientLike; supabaseUrl?: never; supabaseKey?: never; transport?: never }
  | { transport: Transport; supabaseUrl?: never; supabaseKey?: never; supabaseClient?: never }
);

export interface CoreStats {
  queued: number;
  inFlight: number;
  tracked: number;
  delivered: number;
  retries: number;
  truncated: number;
  restoreErrors: number;
  invalidCalls: number;
  dropped: {
    queue_overflow: number;
    rejected_by_server: number;
    permanent_failure: number;
    retries_exhausted: number;
    expired: number;
    opt_out: number;
    /** Events too large for any request under the current budgets. */
    oversize: number;
  };
}

export interface TrackerStats extends CoreStats {
  shim: {
    /** loading: core not ready yet; ready; inert: core failed to load or options were rejected; destroyed. */
    state: 'loading' | 'ready' | 'inert' | 'destroyed';
    /** Errors caught inside the shim (never thrown at the page). */
    errors: number;
    /** Storage operations that threw (the shim then keeps the data in memory). */
    storageErrors: number;
    lastError: string;
    /** Calls waiting for the core to load. */
    pendingCalls: number;
    /** Calls dropped because more than 1000 were made before the core loaded. */
    pendingDropped: number;
    /** Requests started. */
    requests: number;
    requestsInFlight: number;
    /** False when localStorage is unavailable and the queue lives in memory only. */
    persistent: boolean;
    /**
     * Who makes the normal requests: 'worker' (the request worker runs), 'page'
     * (this page: fetchInWorker off, your own fetch or transport, or no worker
     * could start), 'idle' (the worker starts with the first request).
     */
    requestsFrom: 'worker' | 'page' | 'idle';
  };
}

export interface Tracker {
  /** Resolves true once the core is live, false if the tracker is inert (never rejects). */
  readonly ready: Promise<boolean>;
  /** Starts or continues the session (a `session` event with user agent and referrer). */
  trackView(): void;
  /** A page view; a "page." prefix is stripped ("page.home" -> "home"). */
  trackPageView(page: string): void;
  /** A click; the category comes from the click rules. */
  trackClick(target: string): void;
  /**
   * Sends what is queued now (a batch waiting out a server-requested backoff
   * is left to its timer) and resolves when those requests have settled.
   */
  flush(): Promise<void>;
  stats(): TrackerStats;
  /** Stops tracking and drops the queue; persisted (no cookies). */
  optOut(): void;
  /** Explicit consent: tracking resumes even with Do Not Track / GPC. Persisted. */
  optIn(): void;
  /** The current session id for this card ("" until the core is ready). */
  sessionId(): string;
  /** Saves the queue, removes listeners and timers, frees the core. */
  destroy(): void;
}

/** The core loader behind createTracker (memoised per wasm location). */
export interface CoreModule {
  Core: new () => object;
}
export function loadCore(where?: { wasmUrl?: string | URL; wasmBinary?: ArrayBuffer | Uint8Array }): Promise<CoreModule>;

/** Throws a TypeError for structurally bad options; never throws afterwards. */
export function createTracker(options: TrackerOptions, embedding?: { loadCore?: () => Promise<CoreModule> }): Tracker;

/** The default page type for autocapture: last path segment, "/" -> "home". */
export function defaultPageType(location: { pathname: string }): string;

// ---- The seed's API (shared/seed/serverless-ingestion.md, Steps 2-3) ----

export type SeedInitOptions = Omit<CommonOptions, 'userCode' | 'shareCode'> & { userCode?: string; shareCode?: string } & (
  | { supabaseUrl: string; supabaseKey: string }
  | { supabaseClient: SupabaseClientLike }
  | { transport: Transport }
);

/** Creates the default tracker the seed API writes to; calls made before are replayed. */
export function init(options: SeedInitOptions): Tracker;

export const analyticsBatcher: {
  /** sessionId is accepted for compatibility; the core's session for the card is used. */
  trackSession(sessionId: string | undefined, userCode: string, shareCode: string, contactId?: string): void;
  trackPageView(sessionId: string | undefined, userCode: string, shareCode: string, pageType: string, contactId?: string): void;
  trackClick(sessionId: string | undefined, userCode: string, shareCode: string, clickTarget: string, contactId?: string): void;
  flush(): Promise<void>;
  stats(): TrackerStats | undefined;
  destroy(): void;
};

/** The session id for a card (30-minute rule); "" until the core has loaded. */
export function getOrCreateSessionId(userCode: string, shareCode: string): string;
export function trackView(userCode: string, shareCode: string, contactId?: string): void;
export function trackPageView(userCode: string, shareCode: string, page: string, contactId?: string): void;
export function trackClick(userCode: string, shareCode: string, target: string, contactId?: string): void;
