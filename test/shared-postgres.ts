import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Db } from '../db/driver';
import { openPostgres } from '../db/postgres';
import { withDatabase } from './global-setup';

/**
 * One fresh, migrated PostgreSQL database that several "nodes" open at once (a cluster in one
 * test). Only with TEST_DATABASE_URL.
 */
export interface SharedPostgres {
  url: string;
  name: string;
  /** A new pool on the database, as a separate node would have. */
  open(maxConnections?: number): Db;
  /** An admin connection to the same database (pg_locks, pg_terminate_backend). */
  admin: postgres.Sql;
  /**
   * Ends this database's Hatoba connections (application_name 'hatoba'), as an operator or a
   * failover would. Only this test's database: other tests share the server.
   */
  terminateHatobaBackends(where?: string): Promise<number>;
  drop(): Promise<void>;
}

export async function sharedPostgres(): Promise<SharedPostgres> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `hatoba_cluster_${randomBytes(6).toString('hex')}`;
  const root = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await root.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')} STRATEGY FILE_COPY`);
  } finally {
    await root.end();
  }
  const url = withDatabase(base, name);
  const admin = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'hatoba-test-admin' } });
  const pools: Db[] = [];
  return {
    url,
    name,
    admin,
    open(maxConnections = 4) {
      const db = openPostgres({ url, maxConnections });
      pools.push(db);
      return db;
    },
    async terminateHatobaBackends(where = 'true') {
      const rows = await admin.unsafe(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE application_name = 'hatoba' AND datname = current_database() AND pid <> pg_backend_pid() AND (${where})`,
      );
      return rows.length;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.close().catch(() => {})));
      await admin.end();
      const r = postgres(base, { max: 1, onnotice: () => {} });
      await r.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await r.end();
    },
  };
}
