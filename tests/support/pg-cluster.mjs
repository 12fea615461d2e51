// Starts a throwaway PostgreSQL 15 cluster (scripts/pg-temp.sh) for a node test
// and stops it afterwards. Usage:
//   const pg = await startCluster();  // { url, dir, stop() }
//   after(() => pg.stop());
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'pg-temp.sh');

export async function startCluster({ durable = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'clik-pg-'));
  const args = ['start', dir];
  if (durable) args.push('--durable');
  const url = execFileSync('bash', [script, ...args], { encoding: 'utf8' }).trim();
  let stopped = false;
  return {
    url,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
    },
  };
}
