// Load: N concurrent simulated browsers (the real SDK: createTracker over the real
// WASM core, real clock, real fetch) for a fixed time against one PostgreSQL 15
// through the dev gateway (its own process, as PostgREST would be). Each browser
// is a visitor: a session event, then page views and clicks; its SDK flushes every
// 20 events and the browser tracks the next 20 as soon as the batch is answered
// (closed loop: the figure is the sustained maximum, not a modelled arrival rate);
// every 5 batches the visitor leaves and a new one (new session) arrives.
// The seed's function (bench/sql/seed_baseline.sql, schema seed_baseline, reached
// with Content-Profile: seed_baseline) is driven the same way in the same run, on
// its own fresh database.
// Afterwards the counters are checked: raw rows = events answered 200; per-session
// counters and rollups = raw rows.
//   node bench/reliability/load.mjs --url <postgres base URL> [--clients 1,8,32,64] [--seconds 15]
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '1,8,32,64' },
    seconds: { type: 'string', default: '15' },
  },
});
if (!a.url) { console.error('--url <postgres base URL> is required (bench/reliability/load.sh passes it)'); process.exit(2); }
const clientCounts = a.clients.split(',').map(Number);
const seconds = Number(a.seconds);
const { createTracker } = await import(new URL('dist/index.mjs', `file://${root}`).href);
const wasmBinary = await readFile(new URL('dist/clik_core.wasm', `file://${root}`));
const seedSql = await readFile(`${root}bench/sql/seed_baseline.sql`, 'utf8');

let dbCounter = 0;
async function freshDatabase() {
  const name = `load_${process.pid}_${dbCounter++}`;
  const admin = new pg.Client({ connectionString: a.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(a.url);
  u.pathname = `/${name}`;
  return { url: u.toString(), name };
}
async function dropDatabase(name) {
  const admin = new pg.Client({ connectionString: a.url });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/** The dev gateway CLI in its own process; resolves {url, anonKey, stop()}. */
function startGatewayProcess(dbUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dev/gateway/cli.mjs`, '--port', '0', '--database-url', dbUrl,
      '--schemas', 'public,seed_baseline', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const anonKey = /anon key:\s+(\S+)/.exec(out)?.[1];
      if (url && anonKey) {
        resolve({
          url,
          anonKey,
          stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGINT'); }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${out}`)));
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function phase(fn, clients) {
  const db = await freshDatabase();
  const gw = await startGatewayProcess(db.url);
  const sql = new pg.Pool({ connectionString: db.url, max: 2 });
  // Only idle clients emit 'error' (queries reject instead): the server ending an
  // idle connection (drop database ... with (force), shutdown) is not a failure.
  sql.on('error', () => {});
  try {
    await sql.query(`set client_min_messages = warning; ${seedSql}`);
    // Limits stay active (their cost is part of ours) but too high to trip.
    await sql.query('update analytics.settings set rate_limit_ip_calls = 1000000000, rate_limit_user_code_events = 1000000000');
    const latencies = [];
    let eventsOk = 0;
    let requestsFailed = 0;
    const profile = fn === 'seed' ? 'seed_baseline' : 'public';
    const timedFetch = async (url, init) => {
      const t0 = performance.now();
      const res = await fetch(url, { ...init, headers: { ...init.headers, 'Content-Profile': profile } });
      const body = await res.text();
      latencies.push(performance.now() - t0);
      let ok = res.status === 200;
      if (ok) {
        try { ok = JSON.parse(body).success === true; } catch { ok = false; }
      }
      if (ok) eventsOk += JSON.parse(init.body).events.length; else requestsFailed++;
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const deadline = Date.now() + seconds * 1000;
    const started = performance.now();
    let visitors = 0;
    const browser = async (b) => {
      while (Date.now() < deadline) {
        const tracker = createTracker({
          supabaseUrl: gw.url, supabaseKey: gw.anonKey, userCode: `card_${b % 50}`, shareCode: `share_${visitors % 3}`,
          fetch: timedFetch, wasmBinary, localStorage: null, sessionStorage: null, window: null, document: null,
          navigator: { userAgent: 'LoadBench/1.0' }, respectDoNotTrack: false, console: { warn: () => {} },
        });
        await tracker.ready;
        visitors++;
        tracker.trackView();
        for (let batch = 0; batch < 5 && Date.now() < deadline; batch++) {
          for (let i = batch === 0 ? 1 : 0; i < 20; i++) {
            if (i % 3 === 0) tracker.trackPageView(['home', 'contact', 'profile', 'portfolio'][i % 4]);
            else tracker.trackClick(['contact.phone', 'socialMessaging.whatsapp', 'socialChannels.linkedin', 'portfolio.item1', 'aiAgent'][i % 5]);
          }
          await tracker.flush();
        }
        await tracker.flush();
        tracker.destroy();
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, b) => browser(b)));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((x, y) => x - y);

    // Counters: exact?
    let rows;
    let exact;
    if (fn === 'ours') {
      const [c] = (await sql.query(`select
          (select count(*) from analytics.page_views)::int + (select count(*) from analytics.clicks)::int
            + (select count(*) from analytics.session_events)::int as raw,
          (select count(*) from analytics.page_views)::int as pv, (select coalesce(sum(page_views), 0) from analytics.sessions)::int as s_pv,
          (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 'p')::int as r_pv,
          (select count(*) from analytics.clicks)::int as cl, (select coalesce(sum(clicks), 0) from analytics.sessions)::int as s_cl,
          (select coalesce(sum(events), 0) from analytics.daily_rollups where kind = 'c')::int as r_cl`)).rows;
      rows = c.raw;
      exact = c.raw === eventsOk && c.s_pv === c.pv && c.r_pv === c.pv && c.s_cl === c.cl && c.r_cl === c.cl;
      exact = exact ? 'yes' : `NO (raw ${c.raw}/${eventsOk}, session page views ${c.s_pv}/${c.pv}, clicks ${c.s_cl}/${c.cl})`;
    } else {
      const [c] = (await sql.query(`select
          (select count(*) from seed_baseline.analytics_page_views)::int as pv, (select count(*) from seed_baseline.analytics_clicks)::int as cl,
          (select count(*) from seed_baseline.analytics_sessions)::int as s,
          (select coalesce(sum(page_views), 0) from seed_baseline.analytics_sessions)::int as s_pv,
          (select coalesce(sum(clicks), 0) from seed_baseline.analytics_sessions)::int as s_cl`)).rows;
      rows = c.pv + c.cl + c.s;
      exact = c.s_pv === c.pv && c.s_cl === c.cl
        ? 'yes'
        : `no: session counters ${c.s_pv} page views for ${c.pv} rows, ${c.s_cl} clicks for ${c.cl}`;
    }
    return {
      fn, clients, seconds: elapsed, eventsOk, eventsPerSecond: eventsOk / elapsed, requests: latencies.length, requestsFailed,
      p50: percentile(latencies, 50), p99: percentile(latencies, 99), rows, exact, visitors,
    };
  } finally {
    await sql.end();
    await gw.stop();
    await dropDatabase(db.name);
  }
}

const results = [];
for (const clients of clientCounts) {
  for (const fn of ['seed', 'ours']) {
    process.stderr.write(`  ${fn}, ${clients} browsers, ${seconds} s ...\n`);
    results.push(await phase(fn, clients));
  }
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
console.log(`### Load: concurrent browsers through the gateway, one PostgreSQL 15

\`bench/reliability/load.sh --clients ${clientCounts.join(',')} --seconds ${seconds}\` (2 cores shared by PostgreSQL, the gateway process and the browsers; browser-like batches: 20 events of one session; closed loop)

| function | browsers | events/s | ours / seed | RPC p50 ms | RPC p99 ms | requests (failed) | events stored | counters exact |
|---|---:|---:|---:|---:|---:|---:|---:|---|`);
for (const r of results) {
  const seed = results.find((x) => x.fn === 'seed' && x.clients === r.clients);
  const ratio = r.fn === 'ours' && seed ? `${(r.eventsPerSecond / seed.eventsPerSecond).toFixed(2)}×` : '';
  console.log(`| ${r.fn === 'seed' ? 'seed (baseline)' : 'ours'} | ${r.clients} | ${Math.round(r.eventsPerSecond)} | ${ratio} | ${f1(r.p50)} | ${f1(r.p99)} | ${r.requests} (${r.requestsFailed}) | ${r.rows} | ${r.exact} |`);
}
const bad = results.filter((r) => r.fn === 'ours' && (r.exact !== 'yes' || r.requestsFailed > 0));
if (bad.length) {
  console.error(`FAILED: ours lost or miscounted under load: ${JSON.stringify(bad)}`);
  process.exit(1);
}
