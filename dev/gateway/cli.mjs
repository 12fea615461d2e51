#!/usr/bin/env node
// node dev/gateway/cli.mjs [--port N] [--host 127.0.0.1] [--database-url URL]
//   [--jwt-secret S] [--body-limit BYTES] [--no-migrate] [--sql-dir DIR]
//   [--pglite-data-dir DIR] [--schemas public,other] [--pre-request schema.fn] [--quiet]
// Starts the dev gateway and prints its URL and keys; Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startGateway, DEFAULT_BODY_LIMIT } from './gateway.mjs';

const USAGE = `usage: node dev/gateway/cli.mjs [options]
  --port N               port to listen on (default 54321; 0 = a free port)
  --host ADDR            address to bind (default 127.0.0.1: loopback only)
  --database-url URL     a PostgreSQL URL (default: embedded PGlite, in memory)
  --pglite-data-dir DIR  keep the embedded database in DIR
  --jwt-secret S         HS256 secret (default: the Supabase CLI's local secret)
  --body-limit BYTES     largest accepted request body (default ${DEFAULT_BODY_LIMIT})
  --no-migrate           do not apply sql/compat and sql/migrations at start
  --sql-dir DIR          where compat/ and migrations/ live (default: the repo's sql/)
  --schemas LIST         exposed schemas, comma-separated (default public)
  --pre-request FN       function called before every request (db-pre-request)
  --quiet                do not log requests`;

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string', default: '54321' },
      host: { type: 'string', default: '127.0.0.1' },
      'database-url': { type: 'string' },
      'pglite-data-dir': { type: 'string' },
      'jwt-secret': { type: 'string' },
      'body-limit': { type: 'string' },
      'no-migrate': { type: 'boolean', default: false },
      'sql-dir': { type: 'string' },
      schemas: { type: 'string' },
      'pre-request': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const intOption = (name, value) => {
  if (!/^\d+$/.test(value)) {
    console.error(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return Number(value);
};

let gateway;
try {
  gateway = await startGateway({
    port: intOption('port', args.port),
    host: args.host,
    databaseUrl: args['database-url'] ?? null,
    pgliteDataDir: args['pglite-data-dir'] ?? null,
    ...(args['jwt-secret'] ? { jwtSecret: args['jwt-secret'] } : {}),
    ...(args['body-limit'] ? { bodyLimit: intOption('body-limit', args['body-limit']) } : {}),
    migrate: !args['no-migrate'],
    ...(args['sql-dir'] ? { sqlDir: args['sql-dir'] } : {}),
    ...(args.schemas ? { schemas: args.schemas.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    preRequest: args['pre-request'] ?? null,
    log: args.quiet ? () => {} : (line) => console.log(line),
  });
} catch (err) {
  console.error(`dev gateway failed to start: ${err.message}`);
  process.exit(1);
}

console.log(`dev gateway (PostgREST v13 RPC contract) on ${gateway.url}  [database: ${gateway.databaseKind}]`);
console.log(`  RPC:          ${gateway.url}/rest/v1/rpc/<function>`);
console.log(`  anon key:     ${gateway.anonKey}`);
console.log(`  service key:  ${gateway.serviceKey}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await gateway.close().catch(() => {});
    process.exit(0);
  });
}
