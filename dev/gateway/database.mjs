// The gateway's database: a real PostgreSQL through a `pg` Pool, or an embedded
// PGlite (PostgreSQL in WASM, one connection). Both expose the same small
// interface; every request runs in one transaction, like PostgREST.
//   transaction(fn)  fn(q) where q(sql, params) -> rows; COMMIT on return, ROLLBACK on throw
//   exec(sql)        runs a multi-statement script (simple protocol)
//   close()
import pg from 'pg';

/** The database could not be reached at all (PostgREST: 503 PGRST000). */
export class ConnectionError extends Error {
  constructor(cause) {
    super(cause && cause.message ? cause.message : String(cause));
    this.cause = cause;
  }
}

export async function openPostgres(databaseUrl, { poolSize = 10 } = {}) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  const client = await pool.connect(); // fail fast on a bad URL
  client.release();
  return {
    kind: 'postgres',
    async transaction(fn) {
      let client;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new ConnectionError(err);
      }
      let broken = null;
      try {
        await client.query('BEGIN');
        const q = async (sql, params) => (await client.query(sql, params)).rows;
        const result = await fn(q, (sql) => client.query(sql));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          broken = rollbackErr; // the connection is gone: do not return it to the pool
        }
        throw err;
      } finally {
        client.release(broken ?? undefined);
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

export async function openPglite({ dataDir } = {}) {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // PGlite is a single connection: transactions are serialised through this
  // queue so two requests never interleave statements.
  let tail = Promise.resolve();
  const serialise = (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => {});
    return run;
  };
  return {
    kind: 'pglite',
    transaction(fn) {
      return serialise(() => db.transaction(async (tx) => {
        const q = async (sql, params) => (await tx.query(sql, params)).rows;
        return fn(q, (sql) => tx.exec(sql));
      }));
    },
    exec(sql) {
      return serialise(() => db.exec(sql));
    },
    close() {
      return serialise(() => db.close());
    },
  };
}

export function openDatabase({ databaseUrl, pgliteDataDir, poolSize } = {}) {
  return databaseUrl ? openPostgres(databaseUrl, { poolSize }) : openPglite({ dataDir: pgliteDataDir });
}
