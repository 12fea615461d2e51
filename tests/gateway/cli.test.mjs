// node dev/gateway/cli.mjs: prints its URL and keys, serves, stops on SIGTERM/SIGINT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freshDatabase, REPO_ROOT } from './support.mjs';

const CLI = join(REPO_ROOT, 'dev', 'gateway', 'cli.mjs');
let db;
before(async () => { db = await freshDatabase(); });
after(() => db?.drop());

// Every child still running when the file ends is killed: a failed assertion must not
// leave a gateway serving (node --test would wait for it forever).
const children = new Set();
after(() => { for (const c of children) c.kill('SIGKILL'); });

function startCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const anonKey = /anon key:\s+(\S+)/.exec(out)?.[1];
      // ready once the whole banner is in: the service key is its last line, and stdout
      // may arrive in several chunks
      if (url && anonKey && /service key:\s+\S+\n/.test(out)) resolve({ url, anonKey });
    });
    child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${err}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exited, output: () => out };
}

test('prints the URL and anon key, serves RPC with them, exits 0 on SIGTERM', async () => {
  const { ready, child, exited, output } = startCli(['--port', '0', '--database-url', db.url, '--no-migrate', '--quiet']);
  const { url, anonKey } = await ready;
  assert.match(output(), /service key:\s+\S+/);
  // --no-migrate: nothing applied, so a function name is unknown (404, not a crash)
  const res = await fetch(`${url}/rest/v1/rpc/gw_add`, {
    method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json' }, body: '{"a":1}',
  });
  assert.equal(res.status, 404);
  assert.equal((await res.json()).code, 'PGRST202');
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null });
});

test('with migrations and a custom secret, the printed anon key is signed with that secret', async () => {
  const secret = 'a-test-secret-that-is-long-enough-for-hs256-0123';
  const { ready, child, exited } = startCli(['--port', '0', '--database-url', db.url, '--jwt-secret', secret, '--quiet']);
  const { url, anonKey } = await ready;
  const { jwtVerify } = await import('jose');
  const { payload } = await jwtVerify(anonKey, new TextEncoder().encode(secret));
  assert.equal(payload.role, 'anon');
  const res = await fetch(`${url}/rest/v1/rpc/ingest_analytics_batch`, {
    method: 'POST', headers: { apikey: anonKey, authorization: `Bearer ${anonKey}`, 'content-type': 'application/json' }, body: '{"events":[]}',
  });
  assert.equal(res.status, 400); // reached the migrated function, which refuses an empty batch
  child.kill('SIGINT');
  assert.equal((await exited).code, 0);
});

test('bad options: exit 2 with the usage', () => {
  const r = spawnSync(process.execPath, [CLI, '--port', 'eighty'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--port must be a non-negative integer/);
  const u = spawnSync(process.execPath, [CLI, '--frobnicate'], { encoding: 'utf8' });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /usage: node dev\/gateway\/cli\.mjs/);
});

test('a database that cannot be reached: exit 1 with the reason', () => {
  const r = spawnSync(process.execPath, [CLI, '--port', '0', '--database-url', 'postgresql://postgres@127.0.0.1:1/none'], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dev gateway failed to start/);
});
