// The seed design's own test SQL (its "Testing" section), run as it is written
// against the stack's database: the gateway applied sql/compat and
// sql/migrations to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureGateway } from './support.mjs';

const SEED_SQL = readFileSync(fileURLToPath(new URL('./fixtures/seed_testing_section.sql', import.meta.url)), 'utf8');
// Its three statements: the ingest call, then the two row checks.
const statements = SEED_SQL.split(/;\s*\n/)
  .map((s) => s.split('\n').filter((l) => !l.trim().startsWith('--')).join('\n').trim())
  .filter(Boolean);

let ctx;
before(async () => {
  ctx = await fixtureGateway({ migrate: true });
});
after(() => ctx?.close());

test('the seed\'s test SQL has the expected three statements', () => {
  assert.equal(statements.length, 3);
  assert.match(statements[0], /^SELECT ingest_analytics_batch\(/);
});

test('the seed\'s ingest statement returns success', async () => {
  const [row] = await ctx.sql(statements[0]);
  const result = row.ingest_analytics_batch;
  assert.equal(result.success, true);
  assert.equal(result.processed, 2);
});

test('the seed\'s events, with current timestamps, are stored and counted', async () => {
  // Same statement, timestamps moved to now: the seed's fixed 2024 timestamps fall
  // outside the accepted event window, so they are (rightly) rejected as stale.
  const now = Date.now();
  const current = statements[0]
    .replace('1706400000000', String(now - 2000))
    .replace('1706400001000', String(now - 1000))
    .replaceAll('session_test_123', `session_test_${now}`);
  const [row] = await ctx.sql(current);
  const result = row.ingest_analytics_batch;
  assert.equal(result.success, true);
  assert.equal(result.sessions_inserted, 1);
  assert.equal(result.page_views_inserted, 1);
  const [s] = await ctx.sql('select user_code, share_code, page_views, user_agent, referrer from analytics.sessions where session_id = $1', [`session_test_${now}`]);
  assert.deepEqual(s, { user_code: 'myclik', share_code: 'public', page_views: '1', user_agent: 'Test Browser', referrer: 'https://example.com' });
});

test('the seed\'s row checks run as written', {
  todo: 'sql/ has no public.analytics_sessions / public.analytics_page_views (the tables live in schema analytics): reported to the SQL area',
}, async () => {
  // A deployment that accepts the seed's January 2024 timestamps (as tests/sql does).
  await ctx.sql("update analytics.settings set max_event_age = now() - '2024-01-01'::timestamptz + interval '30 days'");
  const run = (sql) => ctx.sql(sql).catch((err) => { throw new Error(err.message); });
  await run(statements[0]);
  const sessions = await run(statements[1]);
  const pageViews = await run(statements[2]);
  assert.equal(sessions.length, 1);
  assert.equal(pageViews.length, 1);
});
