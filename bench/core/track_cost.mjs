// Cost of one track call through the WASM boundary (node 20), next to a
// pure-JS baseline measured in the same run, so every figure is a ratio.
// Usage: node bench/core/track_cost.mjs [calls]   (default 1e6)
// Prints a Markdown table; bench/core/run.sh wraps it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const wasmDir = fileURLToPath(new URL('../../build/wasm/', import.meta.url));
const N = Number(process.argv[2] ?? 1e6);
const ROUNDS = 5; // each case runs ROUNDS times; the fastest round is reported (least noise)
const T0 = 1706400000000;
const BATCH = 20; // the default flush size: the baseline serialises every 20 events

const { default: createClikCore } = await import(wasmDir + 'clik_core.mjs');
const mod = await createClikCore({ wasmBinary: await readFile(wasmDir + 'clik_core.wasm') });

// Click targets as a share page sends them (one string per call, varied).
const targets = ['contact.phone', 'contact.email', 'socialMessaging.whatsapp', 'socialChannels.linkedin',
  'portfolio.project-1', 'aiAgent', 'vcard.download', 'portfolio.project-2'];

function newCore() {
  const c = new mod.Core();
  c.configure('{}');
  c.seed('5a'.repeat(32));
  c.setIdentity('myclik', 'public', '');
  return c;
}

// The pure-JS baseline: what a JS-only batcher does per click at the least:
// push an object onto an array and JSON.stringify the batch every 20 events.
function jsBaseline(n) {
  let queue = [];
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const now = T0 + i;
    const target = targets[i & 7];
    queue.push({
      type: 'click',
      data: {
        eventId: '0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b', sessionId: 'session_1706400000000_abcdefghi',
        userCode: 'myclik', shareCode: 'public', clickTarget: target, clickCategory: 'contact', timestamp: now,
      },
      timestamp: now,
    });
    if (queue.length === BATCH) {
      sink += JSON.stringify(queue).length;
      queue = [];
    }
  }
  return sink;
}

// trackClick, and every flush the shim would do: pollBatch + onResult(200).
function wasmTrack(n, c, persist) {
  let sink = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const now = T0 + i;
    if (c.trackClick(now, targets[i & 7]) === 1) {
      const body = c.pollBatch(now);
      sink += body.length;
      c.onResult(c.requestId(), now, 200, '', '');
    }
    if (persist === 'full') {
      sink += c.snapshot().length;
    } else if (persist === 'incremental') {
      // What js/src/persistence.mjs does per write: only the new events, and
      // the floor below which written chunks can be deleted.
      const mark = c.persistMark();
      if (mark > last) sink += c.snapshotSince(last).length;
      last = mark;
      sink += c.heldFloor();
    }
  }
  return sink;
}

// snapshot() alone, at a queue of `queued` events.
function snapshotOnly(n, queued) {
  const c = newCore();
  c.configure(JSON.stringify({ maxBatchEvents: 1000 }));
  for (let i = 0; i < queued; i++) c.trackClick(T0 + i, targets[i & 7]);
  let sink = 0;
  for (let i = 0; i < n; i++) sink += c.snapshot().length;
  c.delete();
  return sink;
}

function measure(fn) {
  let best = Infinity;
  fn(Math.min(N, 1e5)); // warm up (JIT, wasm tier-up)
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    fn(N);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / N);
  }
  return best;
}

const rows = [];
const base = measure(jsBaseline);
rows.push(['pure JS: push an object, JSON.stringify every 20 (baseline)', base]);
const withCore = (persist) => (n) => { const c = newCore(); const s = wasmTrack(n, c, persist); c.delete(); return s; };
rows.push(['WASM trackClick + pollBatch/onResult of every flush', measure(withCore('none'))]);
rows.push(['… + snapshotSince(mark) + heldFloor() after every call (incremental persistence, as the shim does)', measure(withCore('incremental'))]);
rows.push(['… + a full snapshot() after every call (the shim\'s persistence before it was incremental)', measure(withCore('full'))]);
const snapN = Math.max(1, N / 10);
for (const queued of [10, 20]) {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    snapshotOnly(snapN, queued);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / snapN);
  }
  rows.push([`snapshot() alone, ${queued} events queued`, best]);
}

console.log(`node ${process.version}, ${N.toExponential(0)} calls per round, best of ${ROUNDS} rounds`);
console.log('| case | ns per call | × baseline |');
console.log('|---|---:|---:|');
for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(0)} | ${(ns / base).toFixed(2)} |`);
