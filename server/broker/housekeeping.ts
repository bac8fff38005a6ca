import type { Db } from '../../db/driver';
import type { MemoryStore } from './memory/memory-store';
import { reportDeadAfter, type DeadLetterLog, type OnDead } from './pg/dead-letter';
import { queueDepthCompact, queueDepthSample } from './pg/queue-depth';
import { retentionSweep } from './pg/retention';
import { idempotencyKeyExpire, spentLeaseSweep, ttlSweep } from './pg/sweep';
import type { TopologySnapshot } from './route';
import { inDatabase } from './tiers';
import type { QueueDepth } from './types';

/**
 * Singleton work runs on the cluster's leader only; these advisory locks stay as a fence, so
 * that even an old leader that has not yet noticed losing its role never overlaps the new one.
 */
const SAMPLER_LOCK = 0x48617401;
const RETENTION_LOCK = 0x48617402;

/** How often the leader vacuums the queue tables where no autovacuum runs. */
export const VACUUM_INTERVAL_MS = 30_000;

export interface HousekeepingDeps {
  db: Db;
  node: string;
  topology: () => TopologySnapshot;
  memory: MemoryStore;
  wake: (queues: string[]) => void;
  depths: (queues: string[]) => Promise<Map<string, QueueDepth>>;
  dedupWindowMs: number;
  retentionMs: number;
  onDead: OnDead;
  /** The broker's logger (dead letters kept for want of a target in their tier). */
  log: DeadLetterLog;
  /** False while another node leads the cluster (absent: this node is alone, so it leads). */
  isLeader?: () => boolean;
  /** Told once when this node starts vacuuming the queue tables of a PostgreSQL without autovacuum. */
  onOwnVacuum?: () => void;
}

/**
 * Whether Hatoba must vacuum its queue tables itself: PGlite runs no autovacuum, and a PostgreSQL
 * server may have it turned off (`autovacuum = off`, or `track_counts = off`, which it needs).
 * Read at every round, so turning autovacuum on at run time hands the work back to it.
 */
export async function autovacuumMissing(db: Db): Promise<boolean> {
  if (db.kind === 'pglite') return true;
  const [row] = await db.query<{ off: boolean }>(
    `SELECT current_setting('autovacuum') = 'off' OR current_setting('track_counts') = 'off' AS off`,
  );
  return row?.off === true;
}

/** The broker's background work: the sweep on every node (SKIP LOCKED-safe), the rest on the leader. */
export function createHousekeeping(d: HousekeepingDeps) {
  let toldOwnVacuum = false;
  return {
    /** Dead-letters spent leases and expired entries; forgets old idempotency keys; folds depth deltas. */
    async sweep(): Promise<void> {
      const snapshot = d.topology();
      d.memory.sweep(snapshot);
      const base = { topology: snapshot, node: d.node, log: d.log };
      const spent = await reportDeadAfter(d.onDead, (onDead) => d.db.tx((tx) => spentLeaseSweep(tx, { ...base, onDead })));
      if (spent.size > 0) d.wake([...spent]);
      for (const q of snapshot.queues.values()) {
        if (!inDatabase(q.settings.durability) || !q.settings.messageTtlMs) continue;
        const ttlMs = q.settings.messageTtlMs;
        const moved = await reportDeadAfter(d.onDead, (onDead) => d.db.tx((tx) => ttlSweep(tx, { ...base, onDead, queue: q.name, ttlMs })));
        if (moved > 0) d.wake([q.name]);
      }
      await idempotencyKeyExpire(d.db, { windowMs: d.dedupWindowMs });
      await queueDepthCompact(d.db);
    },

    /** One depth sample per queue, taken by whichever node holds the sampler lock. */
    async sample(): Promise<void> {
      if (d.isLeader?.() === false) return;
      const names = [...d.topology().queues.keys()];
      const depths = await d.depths(names);
      await d.db.tx(async (tx) => {
        const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SAMPLER_LOCK]);
        if (lock?.ok) await queueDepthSample(tx, { depths });
      });
    },

    /** Drops stored history past the retention period, in bounded batches, on one node at a time. */
    async retain(): Promise<number> {
      if (d.isLeader?.() === false) return 0;
      let removed = 0;
      for (let round = 0; round < 20; round++) {
        const n = await d.db.tx(async (tx) => {
          const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [RETENTION_LOCK]);
          return lock?.ok ? retentionSweep(tx, { retentionMs: d.retentionMs }) : 0;
        });
        removed += n;
        if (n === 0) break;
      }
      return removed;
    },

    /**
     * Where no autovacuum runs (PGlite; a PostgreSQL with it turned off), the queue tables would
     * keep every dead row (each ack deletes one, each claim leaves an old version) and never
     * gather statistics, so claims would wade through dead index entries and be planned for a
     * table that looks empty. Elsewhere autovacuum does this work (migration 0006). One node at
     * a time: the leader. Returns whether it vacuumed.
     */
    async vacuum(): Promise<boolean> {
      if (d.isLeader?.() === false || !(await autovacuumMissing(d.db))) return false;
      if (d.db.kind === 'postgres' && !toldOwnVacuum) {
        toldOwnVacuum = true;
        d.onOwnVacuum?.();
      }
      await d.db.query('VACUUM (ANALYZE) queue_entries, queue_depth_deltas');
      return true;
    },
  };
}

/**
 * Runs `fn` every `ms`, never two at once. Returns the stop function, which resolves once a run
 * in progress has ended: the broker's stop, and the database's close after it, do not cut a
 * sweep or a VACUUM off halfway (it would fail and be logged as a failure of a clean shutdown).
 */
export function every(ms: number, fn: () => Promise<unknown>, onError: (e: unknown) => void): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = fn()
      .then(() => undefined, onError)
      .finally(() => (running = undefined));
  }, ms);
  timer.unref?.();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
