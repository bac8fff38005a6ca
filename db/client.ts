import { join } from 'node:path';
import type { Db } from './driver';
import { lockDataDir } from './lock';
import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export interface DatabaseConfig {
  /** postgres://… to use PostgreSQL; absent for the embedded PGlite database. */
  databaseUrl?: string;
  /** Where PGlite keeps its files. */
  dataDir: string;
  maxConnections?: number;
}

/** Opens the configured database, applies migrations, and returns it with its closer. */
export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  if (config.databaseUrl) {
    const db = openPostgres({ url: config.databaseUrl, maxConnections: config.maxConnections });
    await migrate(db);
    return db;
  }
  const release = lockDataDir(config.dataDir);
  try {
    const { db } = await openPglite(join(config.dataDir, 'pgdata'));
    await migrate(db);
    return {
      ...db,
      close: async () => {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
