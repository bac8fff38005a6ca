import type { Db, DbSession, Sql } from '../../db/driver';
import type { Logger } from '../broker/broker';
import { withinMs } from '../time-limit';

/**
 * Leader election: the leader is the node whose dedicated session holds a session-level
 * advisory lock. PostgreSQL grants it to one session at a time and releases it when that
 * session ends (process killed, connection dropped), so the role moves on its own.
 *
 * The leader also holds a second lock keyed by a hash of its node id, so that any node can
 * read who leads from pg_locks; both live and die with the same session.
 */
export const LEADER_LOCK: [number, number] = [0x48617410, 0];
export const LEADER_ID_CLASS = 0x48617411;

/** A stable, positive 31-bit hash of a node id (the identity lock's second key). */
export function nodeIdKey(id: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) h = Math.imul(h ^ byte, 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}

/** The identity keys of leader locks held right now in this database (normally one, at most one). */
export async function leaderKeysHeld(q: Sql): Promise<number[]> {
  const rows = await q.query<{ key: string | number }>(
    `SELECT objid::bigint AS key FROM pg_locks
     WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid AND objsubid = 2
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LEADER_ID_CLASS],
  );
  return rows.map((r) => Number(r.key));
}

export interface LeaderElectionOptions {
  db: Db;
  nodeId: string;
  logger: Logger;
  /** How often the lock is tried (by members) or the session checked (by the leader). */
  checkMs: number;
  /**
   * The leader counts itself leader for this long after its session last answered. The
   * server ends a session idle for twice as long (idle_session_timeout), releasing the lock,
   * so a cut-off leader gives the role up before anyone else can take it.
   */
  leaseMs: number;
  onChange?: (leading: boolean) => void;
}

export class LeaderElection {
  private session: DbSession | undefined;
  private leading = false;
  private confirmedAt = 0;
  private stopped = false;

  constructor(private readonly o: LeaderElectionOptions) {}

  /** True while this node holds the lock and its session answered within the lease. */
  isLeader(): boolean {
    return this.leading && performance.now() - this.confirmedAt < this.o.leaseMs;
  }

  /** One round: open a session if needed, then try the lock (member) or check the session (leader). */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const session = this.session ?? (await this.open());
      if (this.leading) {
        await this.withTimeout(session.query('SELECT 1'));
        this.confirmedAt = performance.now();
        return;
      }
      const [row] = await this.withTimeout(session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', LEADER_LOCK));
      if (!row?.ok || this.stopped) return;
      await this.withTimeout(session.query('SELECT pg_advisory_lock($1, $2)', [LEADER_ID_CLASS, nodeIdKey(this.o.nodeId)]));
      this.confirmedAt = performance.now();
      this.setLeading(true);
    } catch (err) {
      this.o.logger.warn({ err }, 'leader election: session lost or not answering');
      await this.drop();
    }
  }

  /** Gives the role up (closing the session releases the locks) and stops trying. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.drop();
  }

  private async open(): Promise<DbSession> {
    const checkSeconds = Math.max(1, Math.round(this.o.checkMs / 1000));
    const session = await this.o.db.session!({
      settings: {
        // The server ends this session, releasing the lock, if this node stops checking in.
        idle_session_timeout: this.o.leaseMs * 2,
        // ... and notices a vanished peer (no FIN) within seconds, not the kernel's two hours.
        tcp_keepalives_idle: checkSeconds,
        tcp_keepalives_interval: checkSeconds,
        tcp_keepalives_count: 3,
      },
    });
    if (this.stopped) {
      await session.close();
      throw new Error('stopped');
    }
    this.session = session;
    void session.closed.then(() => {
      if (this.session !== session) return;
      this.session = undefined;
      if (this.leading) this.o.logger.warn({}, 'leader session closed: leadership lost');
      this.setLeading(false);
    });
    return session;
  }

  private async drop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.setLeading(false);
    await session?.close();
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.o.logger.info({ leader: leading }, leading ? 'this node is now the leader' : 'this node is no longer the leader');
    this.o.onChange?.(leading);
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    return withinMs(p, this.o.checkMs, () => {
      throw new Error(`no answer within ${this.o.checkMs} ms`);
    });
  }
}
