// npm run demo [-- --database-url URL] [-- --port N] [-- --simulate N]
//
// Starts the local stack (dev gateway over embedded PGlite, or PostgreSQL with
// --database-url), serves the share page and the owner's dashboard, prints
// their URLs and runs until Ctrl-C. With --simulate N it first drives N
// simulated visitors through the real SDK in node, prints the dashboard totals
// and checks them against the raw tables.
import { parseArgs } from 'node:util';
import { startDemoStack } from './demo-stack.mjs';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    port: { type: 'string', default: '8080' },
    'gateway-port': { type: 'string', default: '54321' },
    simulate: { type: 'string' },
    seed: { type: 'string', default: '42' },
    exit: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run demo [-- options]
  --database-url URL   use this PostgreSQL instead of the embedded PGlite
  --port N             web server port for the share page and dashboard (default 8080, 0 = free)
  --gateway-port N     dev gateway port (default 54321, 0 = free)
  --simulate N         drive N simulated visitors through the real SDK, then check the dashboard
  --seed N             seed of the simulation (default 42)
  --exit               stop after the simulation instead of serving until Ctrl-C`);
  process.exit(0);
}

function port(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`demo: --${name} must be a port number (0-65535), got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
}

let stack;
try {
  stack = await startDemoStack({
    databaseUrl: values['database-url'] ?? null,
    webPort: port(values.port, 'port'),
    gatewayPort: port(values['gateway-port'], 'gateway-port'),
  });
} catch (err) {
  if (err?.code === 'EADDRINUSE') {
    console.error(`demo: a port is already in use (${err.message}); pass --port 0 --gateway-port 0 for free ports.`);
  } else {
    console.error(`demo: could not start the stack: ${err?.message ?? err}`);
  }
  process.exit(1);
}

console.log(`
clik-analytics demo (database: ${stack.gateway.databaseKind})
  share page   ${stack.shareUrl}
  dashboard    ${stack.dashboardUrl}
  RPC gateway  ${stack.gateway.url}/rest/v1/rpc/ingest_analytics_batch
  anon key     ${stack.gateway.anonKey}
`);

let failed = false;
if (values.simulate !== undefined) {
  const visitors = Number(values.simulate);
  if (!Number.isInteger(visitors) || visitors < 1 || visitors > 100000) {
    console.error('demo: --simulate takes a number of visitors from 1 to 100000');
    await stack.close();
    process.exit(2);
  }
  const { simulateVisitors } = await import('./simulate.mjs');
  const report = await simulateVisitors({ stack, visitors, seed: Number(values.seed) });
  failed = !report.ok;
}

if (values.exit || failed) {
  await stack.close();
  process.exit(failed ? 1 : 0);
}

console.log('Open the share page, click around, then watch the dashboard. Ctrl-C stops.');
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nstopping…');
    await stack.close();
    process.exit(0);
  });
}
