// Applies the repo's SQL at start: sql/compat/*.sql (the Supabase baseline:
// roles, auth schema...) then sql/migrations/*.sql, each in file-name order,
// then any extra files given by the caller (test fixtures). Every file runs in
// its own transaction and is recorded with its SHA-256 in
// dev_gateway.applied_sql, so restarting against a persistent database skips
// what is already there and re-applies only files edited since (sql/README.md
// promises every file is safe to re-apply).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';

export function sqlFilesIn(sqlDir) {
  const files = [];
  for (const sub of ['compat', 'migrations']) {
    const dir = join(sqlDir, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) files.push(join(dir, name));
  }
  return files;
}

const TRACKING_DDL = `
create schema if not exists dev_gateway;
create table if not exists dev_gateway.applied_sql (
  file text primary key,
  sha256 text not null,
  applied_at timestamptz not null default now()
);
revoke all on schema dev_gateway from public;`;

/**
 * files: absolute paths. `root` names files relative to it in the tracking
 * table. Returns the list of files applied by this call. Throws an Error
 * naming the file (and the database error) when one fails.
 */
export async function applySqlFiles(db, files, { root = process.cwd(), log = () => {} } = {}) {
  await db.exec(TRACKING_DDL);
  const applied = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const sha256 = createHash('sha256').update(text).digest('hex');
    const name = relative(resolve(root), resolve(file));
    try {
      const didApply = await db.transaction(async (q, exec) => {
        const rows = await q('select sha256 from dev_gateway.applied_sql where file = $1', [name]);
        if (rows.length > 0 && rows[0].sha256 === sha256) return false;
        await exec(text);
        await q(`insert into dev_gateway.applied_sql (file, sha256) values ($1, $2)
                 on conflict (file) do update set sha256 = excluded.sha256, applied_at = now()`, [name, sha256]);
        return true;
      });
      if (didApply) {
        applied.push(name);
        log(`applied ${name}`);
      }
    } catch (err) {
      const where = err.position ? ` (at character ${err.position})` : '';
      const e = new Error(`applying ${name} failed${where}: ${err.message}`);
      e.cause = err;
      throw e;
    }
  }
  return applied;
}
