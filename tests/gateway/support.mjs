// Shared setup for the gateway tests: a fresh database per test file on the
// suite's PostgreSQL 15 (CLIK_TEST_PG_URL, started by run.sh) or, when a file
// runs alone, on a throwaway cluster of its own; a gateway started in-process
// on it; and a small fetch helper.
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { freshDatabase as freshDatabaseNamed } from '../support/fresh-database.mjs';
import { startGateway } from '../../dev/gateway/gateway.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
export const FIXTURES = [
  join(here, 'fixtures', '00_supabase_roles.sql'),
  join(here, 'fixtures', '10_gateway_fixtures.sql'),
];

/** A new empty database (tests/support/fresh-database.mjs) named for this suite. */
export const freshDatabase = () => freshDatabaseNamed('gw');

/**
 * A gateway on a fresh database with the gateway fixtures (and, with
 * migrate: true, the repo's sql/ first). Returns { gw, sql(text, params), close() }
 * where sql runs as the superuser on a separate connection.
 */
export async function fixtureGateway({ migrate = false, ...options } = {}) {
  const db = await freshDatabase();
  let gw;
  try {
    gw = await startGateway({ databaseUrl: db.url, migrate, extraSqlFiles: FIXTURES, ...options });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Only idle clients emit 'error' (queries reject instead): the server ending an
  // idle connection (drop database ... with (force), shutdown) is not a failure.
  pool.on('error', () => {});
  return {
    gw,
    dbUrl: db.url,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    async close() {
      await gw.close();
      await pool.end();
      await db.drop();
    },
  };
}

/**
 * POSTs (or GETs) /rest/v1/rpc/<fn> the way supabase-js does. `apikey: null`
 * leaves the header out; `token` goes to Authorization. Returns
 * { status, headers, text, json }.
 */
export async function rpc(gw, fn, body = {}, { apikey = gw.anonKey, token, headers = {}, method = 'POST', rawBody } = {}) {
  const h = { 'content-type': 'application/json', 'content-profile': 'public', ...headers };
  if (apikey !== null) h.apikey = apikey;
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(`${gw.url}/rest/v1/rpc/${fn}`, {
    method,
    headers: h,
    body: method === 'POST' ? (rawBody ?? JSON.stringify(body)) : undefined,
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
