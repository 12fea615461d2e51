// PostgREST's error responses: the {code, details, hint, message} body, the
// SQLSTATE -> HTTP status mapping and the RAISE SQLSTATE 'PGRST' / 'PTxyz'
// forms. Follows src/PostgREST/Error.hs of PostgREST v12/v13 (the mapping is
// the same in both); keep this file the only place that knows the table.

/** An error that becomes an HTTP response. `body` null means an empty body. */
export class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(body && typeof body.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** A PostgREST-generated error (PGRSTxxx codes and friends). */
export function pgrstError(status, code, message, { details = null, hint = null, headers = {} } = {}) {
  return new HttpError(status, { code, details, hint, message }, {
    'Proxy-Status': `PostgREST; error=${code}`,
    ...headers,
  });
}

// PostgREST's mapSQLtoHTTP, in the same order (first match wins).
function statusForSqlState(code, message, authed) {
  const c = String(code);
  if (c.startsWith('08')) return 503; // connection exception
  if (c.startsWith('09')) return 500; // triggered action exception
  if (c.startsWith('0L')) return 403; // invalid grantor
  if (c.startsWith('0P')) return 403; // invalid role specification
  if (c === '23503' || c === '23505') return 409; // foreign key / unique violation
  if (c === '25006') return 405; // read-only SQL transaction
  if (c === '21000') return /requires a WHERE clause$/.test(message) ? 400 : 500;
  if (c === '22023') return /^role .*does not exist$/.test(message) ? 401 : 400; // role from the JWT does not exist
  if (c.startsWith('25')) return 500;
  if (c.startsWith('28')) return 403; // invalid authorization specification
  if (c.startsWith('2D') || c.startsWith('38') || c.startsWith('39') || c.startsWith('3B') || c.startsWith('40')) return 500;
  if (c === '53400') return 500; // configuration limit exceeded
  if (c.startsWith('53')) return 503; // insufficient resources
  if (c.startsWith('54') || c.startsWith('55')) return 500;
  if (c === '57P01') return 503; // admin shutdown
  if (c.startsWith('57') || c.startsWith('58') || c.startsWith('F0') || c.startsWith('HV')) return 500;
  if (c === 'P0001') return 400; // plain RAISE EXCEPTION
  if (c.startsWith('P0') || c.startsWith('XX')) return 500;
  if (c === '42883') return /^function xmlagg\(/.test(message) ? 406 : 404; // undefined function
  if (c === '42P01') return 404; // undefined table
  if (c === '42P17') return 500; // infinite recursion
  if (c === '42501') return authed ? 403 : 401; // insufficient privilege
  if (c.startsWith('PT')) {
    const n = Number(c.slice(2));
    return Number.isInteger(n) && n >= 100 && n <= 599 ? n : 500;
  }
  return 400;
}

function parseJsonObject(text) {
  if (typeof text !== 'string') return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

// RAISE SQLSTATE 'PGRST' USING message = '{"code":..,"message":..}', detail = '{"status":..,"headers":{..}}'
function raisePgrstResponse(err) {
  const parseError = (details, hint) =>
    pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', { details, hint });
  const msgHint = "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
  const detHint = "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  const msg = parseJsonObject(err.message);
  if (!msg || typeof msg.code !== 'string' || typeof msg.message !== 'string') {
    return parseError(`Invalid JSON value for MESSAGE: '${err.message}'`, msgHint);
  }
  if (err.detail == null) return parseError('DETAIL is missing in the RAISE statement', detHint);
  const det = parseJsonObject(err.detail);
  const headersOk = det && det.headers && typeof det.headers === 'object' && !Array.isArray(det.headers)
    && Object.values(det.headers).every((v) => typeof v === 'string');
  if (!det || !Number.isInteger(det.status) || det.status < 100 || det.status > 599 || !headersOk) {
    return parseError(`Invalid JSON value for DETAIL: '${err.detail}'`, detHint);
  }
  return new HttpError(det.status, {
    code: msg.code,
    details: typeof msg.details === 'string' ? msg.details : null,
    hint: typeof msg.hint === 'string' ? msg.hint : null,
    message: msg.message,
  }, { ...det.headers, 'Proxy-Status': `PostgREST; error=${msg.code}` });
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Turns an error thrown by the database driver (pg or PGlite) into the
 * response PostgREST would send. `authed` is true when the request's role is
 * not the anonymous role (it decides 401 vs 403 for 42501).
 */
export function fromDatabaseError(err, { authed }) {
  if (err instanceof HttpError) return err;
  const code = err && typeof err.code === 'string' ? err.code : '';
  if (!SQLSTATE.test(code)) {
    // Not a server error: the connection failed (ECONNREFUSED, terminated...).
    return pgrstError(503, 'PGRST000', 'Database connection error. Retrying the connection.', {
      details: err && err.message ? String(err.message) : null,
    });
  }
  if (code === 'PGRST') return raisePgrstResponse(err);
  const message = String(err.message ?? '');
  const status = statusForSqlState(code, message, authed);
  const headers = { 'Proxy-Status': `PostgREST; error=${code}` };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  return new HttpError(status, {
    code,
    details: err.detail ?? null,
    hint: err.hint ?? null,
    message,
  }, headers);
}
