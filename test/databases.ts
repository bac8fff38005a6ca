import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Db } from '../db/driver';
import { migrate } from '../db/migrate';
import { wrapPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { withDatabase } from './global-setup';

export type Driver = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const drivers: Driver[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

let pgliteTemplate: Promise<PGlite> | undefined;

/** A fresh, migrated, isolated database: a clone of a migrated PGlite, or a new PostgreSQL database from the template. */
export async function openTestDb(driver: Driver): Promise<Db> {
  if (driver === 'pglite') {
    pgliteTemplate ??= (async () => {
      const pg = new PGlite();
      await migrate(wrapPglite(pg));
      return pg;
    })();
    return wrapPglite((await (await pgliteTemplate).clone()) as PGlite);
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `hatoba_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')} STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  const db = openPostgres({ url: withDatabase(url, name), maxConnections: 8 });
  return {
    ...db,
    async close() {
      await db.close();
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
