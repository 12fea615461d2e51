// The migrations must also run on PGlite (PostgreSQL in WASM), the dev gateway's
// embedded default database: loads PGlite, applies sql/compat then sql/migrations
// (twice: every file must be safe to re-apply), then ingests the seed's test batch
// and an idempotent retry as the anon role, and checks the stored counters.
// Run: node tests/sql/pglite_applies_and_ingests.mjs  (exit code 0 = pass)
import { PGlite } from '@electric-sql/pglite';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sqlFiles = ['compat', 'migrations'].flatMap((d) =>
  readdirSync(join(root, 'sql', d)).filter((f) => f.endsWith('.sql')).sort().map((f) => join(root, 'sql', d, f)));

const seedBatch = [
  { type: 'session', data: { sessionId: 'session_test_123', userCode: 'myclik', shareCode: 'public',
    timestamp: 1706400000000, userAgent: 'Test Browser', referrer: 'https://example.com' } },
  { type: 'page_view', data: { sessionId: 'session_test_123', userCode: 'myclik', shareCode: 'public',
    pageType: 'home', timestamp: 1706400001000 } },
];

const db = new PGlite();
let failed = 0;
async function check(name, fn) {
  try { await fn(); console.log(`ok - ${name}`); } catch (e) { failed++; console.log(`not ok - ${name}\n  ${e.stack || e}`); }
}

async function applyAll() {
  for (const f of sqlFiles) {
    try { await db.exec(readFileSync(f, 'utf8')); } catch (e) { throw new Error(`${f}: ${e.message}`); }
  }
}

// Calls the function the way the gateway does: as anon, with PostgREST's settings.
async function ingestAsAnon(events) {
  return db.transaction(async (tx) => {
    await tx.query("SELECT set_config('role', 'anon', true), set_config('request.jwt.claims', '{\"role\":\"anon\"}', true), set_config('request.headers', '{\"x-forwarded-for\":\"203.0.113.7\"}', true)");
    const r = await tx.query('SELECT public.ingest_analytics_batch($1::jsonb) AS r', [JSON.stringify(events)]);
    return r.rows[0].r;
  });
}

await check('compat and migrations apply', applyAll);
await check('compat and migrations re-apply', applyAll);

await check("the seed's test batch succeeds unchanged with the default settings (5-year window)", async () => {
  const r = await ingestAsAnon(seedBatch);
  assert.deepEqual(
    { success: r.success, processed: r.processed, s: r.sessions_inserted, p: r.page_views_inserted, c: r.clicks_inserted, rejected: r.rejected },
    { success: true, processed: 2, s: 1, p: 1, c: 0, rejected: [] });
  const s = await db.query("SELECT page_views, clicks, first_seen, last_seen FROM analytics.sessions WHERE session_id = 'session_test_123'");
  assert.equal(Number(s.rows[0].page_views), 1);
  assert.equal(s.rows[0].last_seen.getTime(), 1706400001000);
});

await check("the seed's row checks run as written (compatibility views)", async () => {
  const s = await db.query("SELECT * FROM analytics_sessions WHERE session_id = 'session_test_123'");
  const p = await db.query("SELECT * FROM analytics_page_views WHERE session_id = 'session_test_123'");
  assert.equal(s.rows.length, 1);
  assert.equal(p.rows.length, 1);
  assert.equal(p.rows[0].page_type, 'home');
});

await check('a timestamp more than 1 hour ahead is rejected (the future bound stays tight)', async () => {
  const r = await ingestAsAnon([{ type: 'page_view', data: { sessionId: 'pglite_future', userCode: 'myclik',
    pageType: 'home', timestamp: Date.now() + 2 * 3600 * 1000 } }]);
  assert.equal(r.page_views_inserted, 0);
  assert.match(r.rejected[0].reason, /timestamp outside the accepted window/);
});

await check('a retried batch with eventIds counts nothing twice', async () => {
  const now = Date.now();
  const batch = [0, 1, 2].map((i) => ({ type: 'page_view', data: {
    eventId: `0190a000-0000-7000-8000-00000000000${i}`, sessionId: 'pglite_s', userCode: 'myclik',
    shareCode: 'public', pageType: 'home', timestamp: now + i } }));
  const first = await ingestAsAnon(batch);
  const retry = await ingestAsAnon(batch);
  assert.equal(first.page_views_inserted, 3);
  assert.equal(retry.page_views_inserted, 0);
  assert.equal(retry.duplicates, 3);
  const s = await db.query("SELECT page_views FROM analytics.sessions WHERE session_id = 'pglite_s'");
  assert.equal(Number(s.rows[0].page_views), 3);
});

for (const relation of ['analytics.page_views', 'public.analytics_page_views', 'public.analytics_sessions']) {
  await check(`anon cannot read ${relation}`, async () => {
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query("SELECT set_config('role', 'anon', true)");
      await tx.query(`SELECT count(*) FROM ${relation}`);
    }), /permission denied/);
  });
}

await db.close();
console.log(failed ? `pglite: ${failed} failed` : 'pglite: all passed');
process.exit(failed ? 1 : 0);
