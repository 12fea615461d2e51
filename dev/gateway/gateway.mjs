// The dev gateway: Supabase's API gateway + PostgREST's RPC endpoint, in one
// small node server, for development, tests, the demo and benchmarks.
// Request pipeline, in the order Supabase applies it:
//   CORS preflight -> route (/rest/v1/...) -> apikey (Kong) -> body size limit
//   -> JWT (PostgREST) -> method -> schema profile -> JSON body -> function
//   lookup -> one transaction: GUCs + role, pre-request hook, the call.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { HttpError, pgrstError, fromDatabaseError } from './errors.mjs';
import { DEFAULT_JWT_SECRET, secretKey, signToken, projectKeys, checkApiKey, authenticate } from './auth.mjs';
import { openDatabase } from './database.mjs';
import { sqlFilesIn, applySqlFiles } from './migrations.mjs';
import { createRoutineCatalog, resolveRoutine, callStatement, quoteIdent } from './routines.mjs';
import { isPreflight, preflightHeaders, responseCorsHeaders } from './cors.mjs';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const REST_PREFIX = '/rest/v1';
const JSON_TYPE = 'application/json; charset=utf-8';

class BodyTooLarge extends Error {}

// Reads the body up to `limit` bytes; past it, stops buffering and rejects.
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!over) resolve(Buffer.concat(chunks)); });
    req.on('error', (err) => { if (!over) reject(err); });
  });
}

function parseCookies(header) {
  const cookies = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) cookies[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return cookies;
}

// response.headers GUC: a JSON array of single-key objects with string values.
function gucHeaders(text) {
  if (text == null) return {};
  let list;
  try {
    list = JSON.parse(text);
  } catch {
    list = null;
  }
  const ok = Array.isArray(list) && list.every((o) => o && typeof o === 'object' && !Array.isArray(o)
    && Object.keys(o).length === 1 && typeof Object.values(o)[0] === 'string');
  if (!ok) {
    throw pgrstError(500, 'PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value');
  }
  return Object.assign({}, ...list);
}

function gucStatus(text) {
  if (text == null) return null;
  const n = Number(text);
  if (!/^\d{3}$/.test(text.trim()) || n < 100 || n > 599) {
    throw pgrstError(500, 'PGRST112', 'response.status guc must be a valid status code');
  }
  return n;
}

/**
 * Starts the gateway. Options (all optional):
 *   port (0 = a free port), host ('127.0.0.1'), databaseUrl (else embedded PGlite),
 *   pgliteDataDir (PGlite persistence; default in memory), jwtSecret,
 *   bodyLimit (bytes, default 1 MiB), migrate (true: apply sqlDir's compat/ then
 *   migrations/), sqlDir (<repo>/sql), extraSqlFiles (applied after, e.g. fixtures),
 *   schemas (['public']: the exposed schemas, the first is the default profile),
 *   anonRole ('anon'), corsOrigins (null = any origin), preRequest ('schema.fn' run
 *   before every call, like PostgREST's db-pre-request), poolSize, log (line logger).
 * Resolves to { url, port, host, anonKey, serviceKey, jwtSecret, databaseKind,
 *   signToken(claims), query(sql, params), pause(), resume(), reloadSchemaCache(), close() }.
 */
export async function startGateway(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    databaseUrl = null,
    pgliteDataDir = null,
    jwtSecret = DEFAULT_JWT_SECRET,
    bodyLimit = DEFAULT_BODY_LIMIT,
    migrate = true,
    sqlDir = join(REPO_ROOT, 'sql'),
    extraSqlFiles = [],
    schemas = ['public'],
    anonRole = 'anon',
    corsOrigins = null,
    preRequest = null,
    poolSize = 10,
    log = () => {},
  } = options;
  if (typeof jwtSecret !== 'string' || jwtSecret.length < 32) {
    throw new Error('jwtSecret must be a string of at least 32 characters (PostgREST requires 32 for HS256)');
  }
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1) throw new Error('bodyLimit must be a positive integer (bytes)');
  if (!Array.isArray(schemas) || schemas.length === 0) throw new Error('schemas must list at least one exposed schema');
  if (preRequest !== null && !/^[A-Za-z_][\w$]*\.[A-Za-z_][\w$]*$/.test(preRequest)) {
    throw new Error('preRequest must be a schema-qualified function name, e.g. public.check_request');
  }
  const key = secretKey(jwtSecret);
  const { anonKey, serviceKey } = await projectKeys(key);
  const db = await openDatabase({ databaseUrl, pgliteDataDir, poolSize });
  try {
    const files = [...(migrate ? sqlFilesIn(sqlDir) : []), ...extraSqlFiles];
    if (files.length > 0) await applySqlFiles(db, files, { root: REPO_ROOT, log });
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }

  const catalog = createRoutineCatalog();
  const roleSettings = new Map(); // role -> [[name, value]] from ALTER ROLE ... SET
  const extraSearchPath = ['public', 'extensions'];

  async function settingsFor(q, role) {
    if (!roleSettings.has(role)) {
      const rows = await q(`
        select split_part(cfg, '=', 1) as name, substr(cfg, strpos(cfg, '=') + 1) as value
          from pg_catalog.pg_db_role_setting s
          join pg_catalog.pg_roles r on r.oid = s.setrole
          cross join lateral unnest(s.setconfig) as cfg
         where r.rolname = $1
           and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
         order by s.setdatabase`, [role]);
      roleSettings.set(role, rows.map((r) => [r.name, r.value]));
    }
    return roleSettings.get(role);
  }

  async function callRpc({ req, url, fnName, schema, method, args, argsJson, auth, wholeHeaders }) {
    return db.transaction(async (q) => {
      if (method === 'GET' || method === 'HEAD') await q('set transaction read only');
      const resolve = async (fresh) => resolveRoutine({
        routines: await catalog.lookup(q, schema, fnName, { fresh }),
        schema,
        name: fnName,
        body: args,
        namesInSchema: () => catalog.namesIn(q, schema),
      });
      const { routine, wholeBody } = await resolve(false).catch((err) => {
        if (err instanceof HttpError && err.body?.code === 'PGRST202') return resolve(true);
        throw err;
      });
      const settings = await settingsFor(q, auth.role);
      // PostgREST's txVarQuery: search_path, role settings, role, claims, method, path, headers, cookies.
      const gucs = [
        ['search_path', [schema, ...extraSearchPath.filter((s) => s !== schema)].map(quoteIdent).join(', ')],
        ...settings,
        ['role', auth.role],
        ['request.jwt.claims', JSON.stringify(auth.claims)],
        ['request.method', method],
        ['request.path', url.pathname.slice(REST_PREFIX.length)],
        ['request.headers', JSON.stringify(wholeHeaders)],
        ['request.cookies', JSON.stringify(parseCookies(req.headers.cookie))],
      ];
      const params = gucs.flat();
      const sets = gucs.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ');
      await q(`select ${sets}`, params);
      if (preRequest) await q(`select ${preRequest.split('.').map(quoteIdent).join('.')}()`);
      const present = args && typeof args === 'object' && !Array.isArray(args) ? Object.keys(args) : [];
      const sql = callStatement(routine, { wholeBody, present });
      const [row] = await q(sql, sql.includes('$1') ? [argsJson] : []);
      const headers = gucHeaders(row.headers);
      const status = gucStatus(row.status) ?? 200;
      return { status, headers, body: row.body };
    });
  }

  async function handle(req, res, url) {
    if (url.pathname !== REST_PREFIX && !url.pathname.startsWith(`${REST_PREFIX}/`)) {
      throw new HttpError(404, { message: 'no Route matched with those values' });
    }
    checkApiKey(req.headers, url.searchParams, [anonKey, serviceKey]);
    let raw;
    try {
      raw = await readBody(req, bodyLimit);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        throw new HttpError(413, { message: 'Request size limit exceeded' });
      }
      throw err;
    }
    const auth = await authenticate(req.headers.authorization, key, { anonRole });
    const rpc = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(url.pathname);
    if (!rpc) {
      throw pgrstError(400, 'PGRST127', 'Feature not implemented', {
        details: 'The dev gateway implements only /rest/v1/rpc/<function> (no table or OpenAPI endpoints).',
      });
    }
    const method = req.method;
    if (method === 'OPTIONS') {
      return { status: 200, headers: { Allow: 'OPTIONS,GET,HEAD,POST' }, body: '' };
    }
    if (!['POST', 'GET', 'HEAD'].includes(method)) {
      throw pgrstError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
    }
    const readOnly = method !== 'POST';
    const profile = (readOnly ? req.headers['accept-profile'] : req.headers['content-profile']) ?? schemas[0];
    if (!schemas.includes(profile)) {
      throw pgrstError(406, 'PGRST106', `Invalid schema: ${profile}`, {
        hint: `Only the following schemas are exposed: ${schemas.join(', ')}`,
      });
    }
    // args picks the overload; argsJson (the body as sent, so numbers keep their
    // precision) is what PostgreSQL parses.
    let args;
    let argsJson;
    if (readOnly) {
      args = {};
      for (const [k, v] of url.searchParams) if (k !== 'apikey') args[k] = v;
      argsJson = JSON.stringify(args);
    } else {
      argsJson = raw.toString('utf8');
      if (argsJson.trim() === '') {
        args = {};
        argsJson = '{}';
      } else {
        try {
          args = JSON.parse(argsJson);
        } catch {
          throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
        }
      }
    }
    let fnName;
    try {
      fnName = decodeURIComponent(rpc[1]);
    } catch {
      throw pgrstError(404, 'PGRST125', 'Invalid path specified in request URL');
    }
    // Supabase's gateway appends the peer address to X-Forwarded-For.
    const wholeHeaders = { ...req.headers };
    delete wholeHeaders.cookie;
    const peer = req.socket.remoteAddress ?? '';
    wholeHeaders['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
    let result;
    try {
      result = await callRpc({ req, url, fnName, schema: profile, method, args, argsJson, auth, wholeHeaders });
    } catch (err) {
      if (err && err.code === '42883') catalog.invalidate(); // dropped or changed since cached
      throw fromDatabaseError(err, { authed: auth.authed });
    }
    return {
      status: result.status,
      headers: { 'Content-Type': JSON_TYPE, ...result.headers },
      body: method === 'HEAD' ? '' : result.body,
    };
  }

  function send(req, res, status, headers, body) {
    if (res.headersSent) {
      res.end();
      return;
    }
    const payload = body == null ? '' : body;
    res.writeHead(status, {
      ...responseCorsHeaders(req, corsOrigins),
      ...headers,
      'Content-Length': Buffer.byteLength(payload),
    });
    res.end(payload);
  }

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${req.url} ${res.statusCode} ${ms.toFixed(1)} ms`);
    });
    let url;
    try {
      url = new URL(req.url, 'http://gateway.invalid');
    } catch {
      send(req, res, 400, { 'Content-Type': JSON_TYPE }, JSON.stringify({ message: 'Invalid request URL' }));
      return;
    }
    if (isPreflight(req)) {
      const headers = preflightHeaders(req, corsOrigins);
      res.writeHead(200, { ...(headers ?? {}), 'Content-Length': 0 });
      res.end();
      req.resume();
      return;
    }
    handle(req, res, url).then(
      (r) => send(req, res, r.status, r.headers, r.body),
      (err) => {
        const e = err instanceof HttpError ? err
          : pgrstError(500, 'PGRSTX00', 'Internal error in the dev gateway', { details: String(err && err.message ? err.message : err) });
        send(req, res, e.status, { 'Content-Type': JSON_TYPE, ...e.headers }, e.body == null ? '' : JSON.stringify(e.body));
        // Discard whatever is left of an unread body, then let the connection close.
        if (!req.complete) req.resume();
      },
    );
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing = null;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    host,
    anonKey,
    serviceKey,
    jwtSecret,
    databaseKind: db.kind,
    signToken: (claims) => signToken(key, claims),
    /** Runs one statement as the database superuser (tests, demo checks); returns rows. */
    query: (sql, params = []) => db.transaction((q) => q(sql, params)),
    /** Stops accepting connections (clients see the server down); the database stays open. */
    pause() {
      return new Promise((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
    /** Listens again on the same host and port after pause(). */
    resume() {
      return new Promise((resolve, reject) => {
        if (server.listening) {
          resolve();
          return;
        }
        server.once('error', reject);
        server.listen(actualPort, host, () => { server.off('error', reject); resolve(); });
      });
    },
    reloadSchemaCache() {
      catalog.invalidate();
      roleSettings.clear();
    },
    close() {
      closing ??= (async () => {
        if (server.listening) {
          await new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections?.();
          });
        }
        await db.close();
      })();
      return closing;
    },
  };
}
