// createTracker's options: structural checks that can be done before the
// core loads (so a typo or a missing endpoint is a TypeError at creation),
// and the split between the core's configuration and the shim's settings.
// Value ranges are the core's to judge (core.configure); see tracker.mjs.

/** Keys passed verbatim to core.configure() (bindings/clik_core.d.ts). */
export const CORE_CONFIG_KEYS = [
  'maxBatchEvents', 'flushIntervalMs', 'maxBatchBytes', 'urgentRequestBytes',
  'urgentTotalBytes', 'maxQueueEvents', 'maxStringBytes', 'sessionTimeoutMs',
  'retryBaseMs', 'retryCapMs', 'retryAfterCapMs', 'maxAttempts',
  'requestTimeoutMs', 'maxEventAgeMs', 'clickRules',
];

const SHIM_KEYS = [
  'supabaseUrl', 'supabaseKey', 'supabaseClient', 'transport',
  'userCode', 'shareCode', 'contactId',
  'respectDoNotTrack', 'autocapture', 'storageKey', 'wasmUrl', 'wasmBinary',
  'fetchInWorker',
];

/** Test and embedding ports (see ports.mjs). */
export const PORT_KEYS = [
  'fetch', 'now', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'random',
  'localStorage', 'sessionStorage', 'window', 'document', 'navigator',
  'history', 'location', 'console', 'Worker', 'Blob', 'URL',
];

const KNOWN = new Set([...CORE_CONFIG_KEYS, ...SHIM_KEYS, ...PORT_KEYS]);

function fail(message) {
  throw new TypeError('clik-analytics: ' + message);
}

function optionalString(options, key) {
  const v = options[key];
  if (v !== undefined && v !== null && typeof v !== 'string') fail(`${key} must be a string (got ${typeof v})`);
}

/**
 * Validates options and returns the normalised settings.
 * @param {object} options
 * @param {{identityRequired: boolean}} rules  the seed-compat entry passes identities per call
 */
export function normalizeOptions(options, rules = { identityRequired: true }) {
  if (options === null || typeof options !== 'object') fail('createTracker(options) needs an options object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  }
  for (const key of ['supabaseUrl', 'supabaseKey', 'userCode', 'shareCode', 'contactId', 'storageKey']) optionalString(options, key);

  const { supabaseUrl, supabaseKey, supabaseClient, transport } = options;
  const ways = [supabaseUrl || supabaseKey ? 1 : 0, supabaseClient ? 1 : 0, transport ? 1 : 0].reduce((a, b) => a + b, 0);
  if (ways === 0) fail('give supabaseUrl + supabaseKey, a supabaseClient, or a transport function');
  if (ways > 1) fail('give only one of supabaseUrl + supabaseKey, supabaseClient, transport');
  if ((supabaseUrl || supabaseKey) && !(supabaseUrl && supabaseKey)) fail('supabaseUrl and supabaseKey go together');
  if (supabaseUrl) {
    try {
      const u = new URL(supabaseUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    } catch {
      fail(`supabaseUrl is not an http(s) URL: ${JSON.stringify(supabaseUrl)}`);
    }
  }
  if (supabaseClient && typeof supabaseClient.rpc !== 'function') fail('supabaseClient must be a @supabase/supabase-js client (it has no rpc method)');
  if (transport && typeof transport !== 'function') fail('transport must be a function');

  if (rules.identityRequired) {
    if (!options.userCode) fail('userCode is required');
    if (!options.shareCode) fail('shareCode is required');
  } else if (!options.userCode !== !options.shareCode) {
    fail('userCode and shareCode go together');
  }

  const config = {};
  for (const key of CORE_CONFIG_KEYS) {
    if (options[key] === undefined) continue;
    const v = options[key];
    if (key === 'clickRules') {
      if (!Array.isArray(v)) fail('clickRules must be an array of {prefix|exact, category}');
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(`${key} must be a finite number (got ${JSON.stringify(v)})`);
    }
    config[key] = v;
  }

  if (options.respectDoNotTrack !== undefined && typeof options.respectDoNotTrack !== 'boolean') fail('respectDoNotTrack must be a boolean');
  if (options.fetchInWorker !== undefined && typeof options.fetchInWorker !== 'boolean') fail('fetchInWorker must be a boolean');
  for (const key of ['now', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'random', 'fetch', 'Worker', 'Blob']) {
    if (options[key] !== undefined && typeof options[key] !== 'function') fail(`${key} must be a function`);
  }
  if (options.wasmBinary !== undefined && !(options.wasmBinary instanceof ArrayBuffer || ArrayBuffer.isView(options.wasmBinary))) {
    fail('wasmBinary must be an ArrayBuffer or a Uint8Array');
  }

  return {
    configJson: JSON.stringify(config),
    identity: options.userCode
      ? { userCode: options.userCode, shareCode: options.shareCode, contactId: options.contactId || '' }
      : null,
    respectDoNotTrack: options.respectDoNotTrack !== false,
    storagePrefix: options.storageKey || 'clik',
    autocapture: normalizeAutocapture(options.autocapture),
  };
}

function normalizeAutocapture(a) {
  if (a === undefined || a === false || a === null) return { clicks: false, pageViews: false, pageType: null };
  if (a === true) return { clicks: true, pageViews: true, pageType: null };
  if (typeof a !== 'object') fail('autocapture must be true, false or {clicks?, pageViews?, pageType?}');
  if (a.pageType !== undefined && typeof a.pageType !== 'function') fail('autocapture.pageType must be a function (location) => string');
  return { clicks: !!a.clicks, pageViews: !!a.pageViews, pageType: a.pageType || null };
}
