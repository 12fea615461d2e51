// A new empty database for one test file: on the suite's PostgreSQL 15
// (CLIK_TEST_PG_URL, started by the suite's run.sh) or, when a file runs alone,
// on a throwaway cluster of its own. drop() removes the database, and the
// cluster too if this call started it.
import pg from 'pg';
import { startCluster } from './pg-cluster.mjs';

let counter = 0;

/** @param {string} prefix  the database name's first part (which suite made it) */
export async function freshDatabase(prefix) {
  let cluster = null;
  let base = process.env.CLIK_TEST_PG_URL;
  if (!base) {
    cluster = await startCluster();
    base = cluster.url;
  }
  const name = `${prefix}_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      if (cluster) cluster.stop();
    },
  };
}
