// Moves one request body to the server and brings back what the core needs to
// decide: {status, retryAfter, body}. status 0 means the request never got an
// HTTP answer (network error, CORS failure, abort). Transports never decide
// retry or drop: that is the core's job.
//
// `body` is the core's batch, a JSON array string. The RPC argument object is
// built by string concatenation ('{"events":' + batch + '}'): the batch is
// never re-parsed on the fetch path.

export const RPC_FUNCTION = 'ingest_analytics_batch';

/** @typedef {{status: number, retryAfter: string, body: string}} DeliveryResult */
/** @typedef {{keepalive: boolean, signal: AbortSignal|undefined}} SendInfo */

export function rpcUrl(supabaseUrl) {
  return String(supabaseUrl).replace(/\/+$/, '') + '/rest/v1/rpc/' + RPC_FUNCTION;
}

/** fetch() straight to PostgREST's RPC endpoint with the anon key. */
export function fetchTransport(fetchFn, supabaseUrl, supabaseKey) {
  const url = rpcUrl(supabaseUrl);
  const headers = {
    'Content-Type': 'application/json',
    apikey: supabaseKey,
    Authorization: 'Bearer ' + supabaseKey,
  };
  return async (batch, info) => {
    const res = await fetchFn(url, {
      method: 'POST',
      headers,
      body: '{"events":' + batch + '}',
      keepalive: info.keepalive,
      signal: info.signal,
      credentials: 'omit', // no cookies, ever
    });
    let text = '';
    try {
      text = await res.text();
    } catch {
      // The status is what matters; a body lost mid-read reads as "no body".
    }
    return {
      status: res.status | 0,
      retryAfter: (res.headers && res.headers.get('Retry-After')) || '',
      body: text,
    };
  };
}

/**
 * supabase.rpc('ingest_analytics_batch', {events}) through the app's own
 * client (so its auth session, schema and custom fetch apply).
 * Limitation: supabase-js does not expose response headers, so a 429's
 * Retry-After is not seen on this path; the core falls back to its own
 * backoff. Keepalive (urgent) requests go through fetchTransport with the
 * client's URL and key instead (see tracker.mjs), which does see it.
 */
export function supabaseClientTransport(client) {
  return async (batch, info) => {
    let call = client.rpc(RPC_FUNCTION, { events: JSON.parse(batch) });
    if (info.signal && call && typeof call.abortSignal === 'function') call = call.abortSignal(info.signal);
    const res = await call;
    const status = typeof res.status === 'number' ? res.status : 0;
    let body = '';
    if (res.data !== undefined && res.data !== null) body = JSON.stringify(res.data);
    else if (res.error) body = JSON.stringify(res.error);
    return { status, retryAfter: '', body };
  };
}

/**
 * The user's own transport (node unit tests, custom pipes). It receives
 * {body, batch, events, keepalive, signal}: `batch` is the JSON array string,
 * `body` the RPC body string, `events` the parsed array (parsed on first read).
 * It returns (or resolves to) {status, retryAfter?, body?}, a bare status
 * number, or nothing (= 200 delivered). Throwing/rejecting = status 0.
 */
export function userTransport(fn) {
  return async (batch, info) => {
    let parsed;
    const request = {
      batch,
      body: '{"events":' + batch + '}',
      get events() {
        if (parsed === undefined) parsed = JSON.parse(batch);
        return parsed;
      },
      keepalive: info.keepalive,
      signal: info.signal,
    };
    const r = await fn(request);
    if (r === undefined || r === null) return { status: 200, retryAfter: '', body: '' };
    if (typeof r === 'number') return { status: r | 0, retryAfter: '', body: '' };
    const body = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return {
      status: Number(r.status) | 0,
      retryAfter: r.retryAfter === undefined || r.retryAfter === null ? '' : String(r.retryAfter),
      body,
    };
  };
}
