import { readMigrationFiles } from 'drizzle-orm/migrator';
import { fileURLToPath } from 'node:url';
import type { Db } from './driver';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any fixed number: the advisory lock that keeps two starting nodes from migrating at once. */
const MIGRATION_LOCK = 0x4861746f;

/**
 * Applies drizzle-kit's generated migrations in order, each once, under an advisory lock so
 * several nodes can start together on one PostgreSQL. Returns how many were applied.
 */
export async function migrate(db: Db): Promise<number> {
  const files = readMigrationFiles({ migrationsFolder });
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await q.query(`CREATE TABLE IF NOT EXISTS hatoba_migrations (
      hash text PRIMARY KEY, created_at bigint NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await q.query<{ hash: string }>('SELECT hash FROM hatoba_migrations')).map((r) => r.hash));
    let applied = 0;
    for (const file of files) {
      if (done.has(file.hash)) continue;
      for (const statement of file.sql) if (statement.trim()) await q.query(statement);
      await q.query('INSERT INTO hatoba_migrations (hash, created_at) VALUES ($1, $2)', [file.hash, file.folderMillis]);
      applied++;
    }
    return applied;
  });
}

/** True when every migration this build knows is applied (readiness). */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const files = readMigrationFiles({ migrationsFolder });
  try {
    const rows = await db.query<{ hash: string }>('SELECT hash FROM hatoba_migrations');
    const done = new Set(rows.map((r) => r.hash));
    return files.every((f) => done.has(f.hash));
  } catch {
    return false;
  }
}
