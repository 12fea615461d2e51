// CORS as PostgREST answers it (wai-cors with PostgREST's policy): any origin
// unless a list is configured, the preflight allows Authorization plus every
// requested header and is cached for a day. Retry-After is exposed on top of
// PostgREST's list because the SDK reads it from cross-origin 429 responses.
const METHODS = 'GET, POST, PATCH, PUT, DELETE, OPTIONS';
const EXPOSED = [
  'Content-Encoding', 'Content-Location', 'Content-Range', 'Content-Type',
  'Date', 'Location', 'Server', 'Transfer-Encoding', 'Range-Unit', 'Retry-After', 'Proxy-Status',
].join(', ');
export const PREFLIGHT_MAX_AGE_S = 86400;

function allowOrigin(origin, allowedOrigins) {
  if (!allowedOrigins || allowedOrigins.length === 0) return '*';
  return allowedOrigins.includes(origin) ? origin : null;
}

export function isPreflight(req) {
  return req.method === 'OPTIONS' && req.headers.origin !== undefined
    && req.headers['access-control-request-method'] !== undefined;
}

/** Headers answering a preflight, or null when the origin is not allowed. */
export function preflightHeaders(req, allowedOrigins) {
  const origin = allowOrigin(req.headers.origin, allowedOrigins);
  if (origin === null) return null;
  const requested = (req.headers['access-control-request-headers'] ?? '')
    .split(',').map((h) => h.trim()).filter(Boolean);
  const headers = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': METHODS,
    'Access-Control-Allow-Headers': ['Authorization', ...requested].join(', '),
    'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
  };
  if (origin !== '*') headers.Vary = 'Origin';
  return headers;
}

/** Headers added to every actual response to a request that carries an Origin. */
export function responseCorsHeaders(req, allowedOrigins) {
  if (req.headers.origin === undefined) return {};
  const origin = allowOrigin(req.headers.origin, allowedOrigins);
  if (origin === null) return {};
  const headers = { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED };
  if (origin !== '*') headers.Vary = 'Origin';
  return headers;
}
