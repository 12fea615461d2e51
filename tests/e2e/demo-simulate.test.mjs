// `npm run demo -- --simulate N --exit` as a newcomer runs it, against a real
// PostgreSQL 15: simulated visitors through the real SDK, then the dashboard's
// totals checked against the raw tables and the SDK's own counters. The
// command's exit status is the verdict (simulate.mjs compares the three).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startCluster } from '../support/pg-cluster.mjs';

const demo = join(import.meta.dirname, '..', '..', 'examples', 'demo.mjs');
let pg;
before(async () => { pg = await startCluster(); });
after(() => pg?.stop());

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [demo, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('demo --simulate: dashboard totals = raw tables = events the SDK tracked', async () => {
  const { code, out } = await run(['--database-url', pg.url, '--port', '0', '--gateway-port', '0', '--simulate', '60', '--seed', '7', '--exit']);
  assert.equal(code, 0, out);
  assert.match(out, /✔ dashboard = raw tables/);
  const m = out.match(/SDK: (\d+) events tracked, (\d+) delivered, (\d+) retries, (\d+) requests failed while offline/);
  assert.ok(m, out);
  assert.ok(Number(m[1]) > 300, 'the simulation tracked a realistic number of events');
  assert.equal(m[1], m[2]);
  assert.ok(Number(m[4]) > 0, 'some visitors went offline, and their events still arrived');
});

test('demo rejects a bad --simulate value with a clear message', async () => {
  const { code, out } = await run(['--database-url', pg.url, '--port', '0', '--gateway-port', '0', '--simulate', 'lots', '--exit']);
  assert.equal(code, 2);
  assert.match(out, /--simulate takes a number of visitors/);
});
