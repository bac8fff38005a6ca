import type { Db } from '../../../db/driver';
import type { ReplicationStatus } from '../replication';

/** Reads what replicationVerdict decides on. PGlite is not asked: it is one process with no standby. */
export async function replicationStatusRead(db: Db): Promise<ReplicationStatus> {
  if (db.kind === 'pglite') return { database: 'pglite', synchronousStandbyNames: '', standbys: [] };
  const [names] = await db.query<{ synchronous_standby_names: string }>('SHOW synchronous_standby_names');
  const rows = await db.query<{ application_name: string | null; sync_state: string | null }>(
    'SELECT application_name, sync_state FROM pg_stat_replication',
  );
  return {
    database: 'postgres',
    synchronousStandbyNames: names?.synchronous_standby_names ?? '',
    standbys: rows.map((r) => ({ name: r.application_name ?? '?', syncState: r.sync_state })),
  };
}
