import { BrokerError } from './errors';

/** What the server says about its synchronous standbys (SHOW synchronous_standby_names, pg_stat_replication). */
export interface ReplicationStatus {
  database: 'pglite' | 'postgres';
  /** The setting as shown; empty when commits wait for no standby. */
  synchronousStandbyNames: string;
  /** sync_state of each connected standby as this role sees it; null when the role may not see it. */
  standbys: { name: string; syncState: string | null }[];
}

export type ReplicationVerdict = { ok: true; standbys: string[] } | { ok: false; reason: string };

/**
 * Whether a replicated queue can be promised here: a commit with synchronous_commit =
 * remote_apply waits for a standby only when synchronous_standby_names names one and such a
 * standby is connected as 'sync' (or 'quorum'); otherwise PostgreSQL commits locally and the
 * promise would be silently empty.
 */
export function replicationVerdict(s: ReplicationStatus): ReplicationVerdict {
  if (s.database === 'pglite') {
    return {
      ok: false,
      reason: 'the embedded database (PGlite) has no standby: replicated queues need PostgreSQL (DATABASE_URL) with a synchronous standby',
    };
  }
  if (s.synchronousStandbyNames.trim() === '') {
    return {
      ok: false,
      reason: "synchronous_standby_names is empty on this PostgreSQL server, so no commit waits for a standby: set it (e.g. '*') and connect a standby",
    };
  }
  const sync = s.standbys.filter((x) => x.syncState === 'sync' || x.syncState === 'quorum').map((x) => x.name);
  if (sync.length > 0) return { ok: true, standbys: sync };
  if (s.standbys.some((x) => x.syncState === null)) {
    return {
      ok: false,
      reason: "this database role may not see pg_stat_replication's sync_state: grant it pg_monitor (or pg_read_all_stats)",
    };
  }
  return {
    ok: false,
    reason:
      s.standbys.length === 0
        ? `no standby is connected (synchronous_standby_names = '${s.synchronousStandbyNames}')`
        : `no connected standby is synchronous (${s.standbys.map((x) => `${x.name}: ${x.syncState}`).join(', ')})`,
  };
}

export function replicationUnavailable(queue: string, reason: string): BrokerError {
  return new BrokerError('replication_unavailable', `Queue '${queue}' cannot be replicated: ${reason}`, { queue, reason });
}
