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

// The seed's Testing SQL as written, in order, with the stack's default settings: its
// January 2024 timestamps are inside the accepted window (5 years back), and its row
// checks read analytics_sessions / analytics_page_views, the compatibility views.
test('the seed\'s test SQL runs as written: the batch is stored, the row checks find it', async () => {
  const run = (sql) => ctx.sql(sql).catch((err) => { throw new Error(`${err.message}\n${sql}`); });
  const [row] = await run(statements[0]);
  const result = row.ingest_analytics_batch;
  assert.deepEqual(result, {
    success: true, processed: 2, sessions_inserted: 1, page_views_inserted: 1, clicks_inserted: 0,
    duplicates: 0, rejected: [],
  });
  const sessions = await run(statements[1]);
  const pageViews = await run(statements[2]);
  assert.equal(sessions.length, 1);
  assert.equal(pageViews.length, 1);
  assert.equal(sessions[0].page_views, '1');
  assert.equal(sessions[0].first_seen.getTime(), 1706400000000);
  assert.equal(sessions[0].last_seen.getTime(), 1706400001000);
  assert.equal(pageViews[0].page_type, 'home');
  assert.equal(pageViews[0].viewed_at.getTime(), 1706400001000);
});

test('the seed\'s events, with current timestamps, are stored and counted', async () => {
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
