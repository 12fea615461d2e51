// Plain node, no ports at all: no window/document/storage, the default wasm
// location next to dist/index.mjs read with fs, real timers that do not keep
// the process alive. Run in a child process so the globals are untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url));

function runNode(source) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20000 });
}

test('node with no window or storage: loads the wasm by itself, sends through a transport, exits on its own', () => {
  const r = runNode(`
    import { createTracker } from ${JSON.stringify(dist)};
    const batches = [];
    const t = createTracker({ userCode: 'myclik', shareCode: 'public', transport: (req) => { batches.push(req.events); } });
    t.trackView();
    t.trackClick('contact.phone');
    console.log(JSON.stringify({ ready: await t.ready }));
    await t.flush();
    const s = t.stats();
    console.log(JSON.stringify({ batches: batches.map((b) => b.map((e) => e.type)), delivered: s.delivered, persistent: s.shim.persistent, errors: s.shim.errors }));
    t.trackClick('contact.email'); // arms a 10 s timer: it must not keep node alive
  `);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.signal, null, 'exited by itself (timer unref\'d), not killed by the timeout');
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines[0], { ready: true });
  assert.deepEqual(lines[1], { batches: [['session', 'click']], delivered: 2, persistent: false, errors: 0 });
});

test('node: the default supabaseUrl transport uses the global fetch', () => {
  const r = runNode(`
    import http from 'node:http';
    import { createTracker } from ${JSON.stringify(dist)};
    const got = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => body += c);
      req.on('end', () => { got.push({ url: req.url, apikey: req.headers.apikey, events: JSON.parse(body).events.length }); res.writeHead(200, {'content-type': 'application/json'}); res.end('{"success":true}'); });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const t = createTracker({ supabaseUrl: 'http://127.0.0.1:' + server.address().port, supabaseKey: 'anon', userCode: 'u', shareCode: 's' });
    t.trackClick('contact.phone');
    await t.flush();
    console.log(JSON.stringify({ got, delivered: t.stats().delivered }));
    t.destroy();
    server.close();
  `);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { got: [{ url: '/rest/v1/rpc/ingest_analytics_batch', apikey: 'anon', events: 1 }], delivered: 1 });
});
