import type { Sql } from '../../../db/driver';
import type { TopologySnapshot } from '../route';
import { queueEntryDeadLetter, type OnDead } from './dead-letter';

const BATCH = 1000;

/**
 * Housekeeping for one durable queue, safe to run on every node at once (SKIP LOCKED):
 * dead-letters entries whose last lease expired (`max_deliveries`) and entries past the
 * queue's message TTL (`expired`). Returns how many entries it moved.
 */
export async function queueSweep(q: Sql, p: { queue: string; topology: TopologySnapshot; node: string; onDead?: OnDead }): Promise<number> {
  const settings = p.topology.queues.get(p.queue)?.settings;
  if (!settings || settings.durability !== 'durable') return 0;
  const spent = await q.query<{ id: number; message_id: string; attempt: number; last_error: string | null }>(
    `SELECT id, message_id, attempt, last_error FROM queue_entries
     WHERE queue = $1 AND lease IS NOT NULL AND visible_at <= now() AND attempt >= $2
     LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
    [p.queue, settings.maxDeliveries],
  );
  if (spent.length > 0) {
    await q.query(
      `INSERT INTO events (type, message_id, queue, node, attempt)
       SELECT 'lease_expired', m, $2, $3, a FROM unnest($1::uuid[], $4::int4[]) AS t(m, a)`,
      [spent.map((s) => s.message_id), p.queue, p.node, spent.map((s) => s.attempt)],
    );
  }
  let moved = await queueEntryDeadLetter(q, {
    entries: spent.map((s) => ({ id: Number(s.id), queue: p.queue, attempt: s.attempt, lastError: s.last_error ?? 'lease expired' })),
    reason: 'max_deliveries',
    topology: p.topology,
    node: p.node,
    onDead: p.onDead,
  });
  if (settings.messageTtlMs) {
    const expired = await q.query<{ id: number; attempt: number; last_error: string | null }>(
      `SELECT id, attempt, last_error FROM queue_entries
       WHERE queue = $1 AND NOT (lease IS NOT NULL AND visible_at > now())
         AND enqueued_at <= now() - $2::int8 * interval '1 millisecond'
       LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [p.queue, settings.messageTtlMs],
    );
    moved += await queueEntryDeadLetter(q, {
      entries: expired.map((e) => ({ id: Number(e.id), queue: p.queue, attempt: e.attempt, lastError: e.last_error })),
      reason: 'expired',
      topology: p.topology,
      node: p.node,
      onDead: p.onDead,
    });
  }
  return moved;
}

/** Forgets idempotency keys older than the dedup window, a bounded batch at a time. */
export async function idempotencyKeyExpire(q: Sql, p: { windowMs: number }): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH d AS (
       DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM idempotency_keys WHERE created_at < now() - $1::int8 * interval '1 millisecond' LIMIT 5000))
       RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [p.windowMs],
  );
  return rows[0]?.n ?? 0;
}
