// The long no-loss run: the same harness as tests/reliability/no-loss.test.mjs
// (real SDK + WASM core, virtual clock, fault proxy, outages, reloads, crashes,
// closes) at >= 100 000 events. Prints the report as a markdown table; exits 1
// on any lost or duplicated event.
//   node bench/reliability/no-loss.mjs [--browsers 200] [--events 500] [--seed 11]
import { parseArgs } from 'node:util';
import { runNoLoss } from '../../tests/reliability/no-loss-harness.mjs';

const { values: a } = parseArgs({
  options: {
    browsers: { type: 'string', default: '200' },
    events: { type: 'string', default: '500' },
    seed: { type: 'string', default: '11' },
    'max-minutes': { type: 'string', default: '30' },
  },
});
const browsers = Number(a.browsers);
const eventsPerBrowser = Number(a.events);
const started = Date.now();
const r = await runNoLoss({
  browsers,
  eventsPerBrowser,
  seed: Number(a.seed),
  // one outage of each kind every ~1000 steps
  outages: Array.from({ length: 8 }, (_, i) => ({ atStep: 300 + i * 500, steps: 120, kind: i % 2 ? 'gateway' : 'proxy' })),
  maxRealMs: Number(a['max-minutes']) * 60000,
  progress: ({ step, made, requests }) => {
    if (step % 500 === 0) process.stderr.write(`  step ${step}: ${made} events tracked, ${requests} requests, ${Math.round((Date.now() - started) / 1000)} s\n`);
  },
});
const drops = Object.entries(r.droppedByPolicy).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
const f = r.faults;
console.log(`### No loss under faults (long run, seed ${a.seed})

\`node bench/reliability/no-loss.mjs --browsers ${browsers} --events ${eventsPerBrowser} --seed ${a.seed}\` (real SDK + WASM core, dev gateway, PostgreSQL 15)

| accepted | stored | lost | duplicated | dropped by policy | requests (keepalive) | retries | faults injected | page lifecycle | virtual / real time |
|---:|---:|---:|---:|---|---:|---:|---|---|---|
| ${r.accepted} | ${r.stored} | **${r.lost}** | **${r.duplicated}** | ${drops} | ${r.requests.total} (${r.requests.keepalive}) | ${r.retries} | drop ${f.drop}, 5xx ${f.error}, 429 ${f.rate_limited}, lost response ${f.lost_response}, slow ${f.slow}, refused while down ${f.down} | ${r.lifecycle.reloads} reloads, ${r.lifecycle.crashes} crashes, ${r.lifecycle.closes} closes, ${r.lifecycle.outages} outages | ${r.virtualMinutes} min / ${r.realSeconds} s |
`);
if (r.lost || r.duplicated || !r.drained || r.accepted !== r.calls) {
  console.error(`FAILED: ${JSON.stringify(r, null, 1)}`);
  process.exit(1);
}
