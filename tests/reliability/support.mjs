// Shared setup for the reliability suites: a fresh database on the suite's
// PostgreSQL 15 (CLIK_TEST_PG_URL, started by run.sh) or, when a file runs
// alone, on a throwaway cluster of its own; the dev gateway over it with the
// repo's sql/; an RPC helper that speaks like supabase-js; and a fingerprint of
// everything an attacker could change, so a test can assert "nothing changed".
import pg from 'pg';
import { freshDatabase as freshDatabaseNamed } from '../support/fresh-database.mjs';
import { startGateway } from '../../dev/gateway/gateway.mjs';
export { prng } from '../support/fault-proxy.mjs';

/** A new empty database (tests/support/fresh-database.mjs); prefix names the suite. */
export const freshDatabase = (prefix = 'rel') => freshDatabaseNamed(prefix);

/**
 * The product's server path: PostgreSQL 15 with sql/ applied, behind the dev
 * gateway. `settings` (column → value) are written to analytics.settings as the
 * superuser before the test starts. Returns { gw, dbUrl, sql(text, params), close() }
 * where sql runs as the superuser on its own small pool.
 */
export async function startStack({ settings = {}, gateway = {}, prefix } = {}) {
  const db = await freshDatabase(prefix);
  let gw;
  try {
    gw = await startGateway({ port: 0, databaseUrl: db.url, log: () => {}, ...gateway });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const pool = new pg.Pool({ connectionString: db.url, max: 3 });
  // Only idle clients emit 'error' (queries reject instead): the server ending an
  // idle connection (drop database ... with (force), shutdown) is not a failure.
  pool.on('error', () => {});
  const sql = async (text, params) => (await pool.query(text, params)).rows;
  await setSettings(sql, settings);
  return {
    gw,
    dbUrl: db.url,
    sql,
    async close() {
      await gw.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** UPDATE analytics.settings SET <col> = <value>, ... (superuser; values are parameters). */
export async function setSettings(sql, settings) {
  const cols = Object.keys(settings);
  if (cols.length === 0) return;
  const assignments = cols.map((c, i) => `${pgIdent(c)} = $${i + 1}`).join(', ');
  await sql(`update analytics.settings set ${assignments}`, cols.map((c) => settings[c]));
}

function pgIdent(name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
}

/**
 * POST /rest/v1/rpc/<fn> the way supabase-js does. `apikey: null` leaves the
 * header out; `token` goes to Authorization; `rawBody` is sent as is (string or
 * Buffer). Returns { status, headers, text, json }.
 */
export async function rpc(baseUrl, fn, body = {}, { apikey, token, headers = {}, rawBody, method = 'POST', path } = {}) {
  const h = { 'content-type': 'application/json', 'content-profile': 'public', ...headers };
  if (apikey != null) h.apikey = apikey;
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${path ?? `/rest/v1/rpc/${fn}`}`, {
    method,
    headers: h,
    body: method === 'POST' || method === 'PATCH' ? (rawBody ?? JSON.stringify(body)) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Every table an attacker might want to change. rate_limit_counters is listed
// separately: a refused request may legitimately count against its caller.
const DATA_TABLES = `
  select format('%I.%I', n.nspname, c.relname) as t
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname in ('analytics', 'public', 'auth')
  order by 1`;

/**
 * A fingerprint of the database's content and of its security-relevant catalog:
 * per table, row count and an md5 over all rows; every relation, function
 * (definition, owner, SECURITY DEFINER, config, ACL), policy, schema ACL and role
 * attribute outside the system schemas. Equal fingerprints = nothing changed.
 * `withRateCounters: false` leaves analytics.rate_limit_counters out.
 */
export async function fingerprint(sql, { withRateCounters = false } = {}) {
  const out = { tables: {}, catalog: {} };
  for (const { t } of await sql(DATA_TABLES)) {
    if (!withRateCounters && t === 'analytics.rate_limit_counters') continue;
    const [row] = await sql(
      `select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${t} as x`);
    out.tables[t] = `${row.n}:${row.h}`;
  }
  const catalog = {
    relations: `select n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || coalesce(c.relacl::text, '')
                  || ':' || c.relrowsecurity || ':' || c.relforcerowsecurity || ':' || pg_get_userbyid(c.relowner) as x
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%'
                  and n.nspname not like 'pg_toast_temp%'`,
    functions: `select p.oid::regprocedure::text || ':' || md5(pg_get_functiondef(p.oid)) || ':' || p.prosecdef || ':'
                  || coalesce(p.proconfig::text, '') || ':' || coalesce(p.proacl::text, '') || ':' || pg_get_userbyid(p.proowner) as x
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname not in ('pg_catalog', 'information_schema') and p.prokind in ('f', 'p')`,
    policies: `select schemaname || '.' || tablename || ':' || policyname || ':' || coalesce(qual, '') || ':'
                 || coalesce(with_check, '') || ':' || array_to_string(roles, ',') as x from pg_policies`,
    schemas: `select nspname || ':' || coalesce(nspacl::text, '') || ':' || pg_get_userbyid(nspowner) as x from pg_namespace
              where nspname not like 'pg_temp%' and nspname not like 'pg_toast_temp%'`,
    roles: `select rolname || ':' || rolsuper || rolinherit || rolcreaterole || rolcreatedb || rolcanlogin || rolbypassrls
              || ':' || coalesce(rolconfig::text, '') as x from pg_roles`,
    memberships: `select pg_get_userbyid(roleid) || '>' || pg_get_userbyid(member) as x from pg_auth_members`,
  };
  for (const [k, q] of Object.entries(catalog)) {
    out.catalog[k] = (await sql(`select coalesce(array_agg(x order by x), '{}') as a from (${q}) s`))[0].a;
  }
  return out;
}

/** Counts of raw rows per table and the set of stored eventIds (for exactly-once checks). */
export async function storedEventIds(sql) {
  const rows = await sql(`
    select event_id::text as id from analytics.session_events
    union all select event_id::text from analytics.page_views
    union all select event_id::text from analytics.clicks`);
  const counts = new Map();
  for (const { id } of rows) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** A UUID v7 from a timestamp and a PRNG (deterministic under a seed). */
export function uuidv7(ms, random) {
  const hex = (n, len) => Math.floor(n).toString(16).padStart(len, '0');
  const r = () => Math.floor(random() * 0x10000);
  const ts = hex(ms, 12);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${hex(r() & 0xfff, 3)}-${hex((r() & 0x3fff) | 0x8000, 4)}-${hex(r(), 4)}${hex(r(), 4)}${hex(r(), 4)}`;
}
