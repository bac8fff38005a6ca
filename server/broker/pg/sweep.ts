import type { Sql } from '../../../db/driver';
import type { TopologySnapshot } from '../route';
import { anyReplicated, REPLICATED_COMMIT } from '../tiers';
import { queueEntryDeadLetter, type DeadLetterLog, type OnDead } from './dead-letter';

const BATCH = 1000;

/**
 * Dead-letters durable and replicated entries whose last lease expired (`max_deliveries`), across all queues
 * in one statement that reads only the small partial index of leased entries. Safe on every
 * node at once (SKIP LOCKED). Returns the queues that lost entries.
 */
export async function spentLeaseSweep(q: Sql, p: { topology: TopologySnapshot; node: string; onDead?: OnDead; log: DeadLetterLog }): Promise<Set<string>> {
  const spent = await q.query<{ id: number; message_id: string; queue: string; attempt: number; last_error: string | null; ended: string }>(
    `SELECT e.id, e.message_id, e.queue, e.attempt, e.last_error, e.visible_at::text AS ended FROM queue_entries e JOIN queues qs ON qs.name = e.queue
     WHERE e.lease IS NOT NULL AND e.visible_at <= now() AND e.attempt >= qs.max_deliveries AND qs.durability IN ('durable', 'replicated')
     LIMIT ${BATCH} FOR UPDATE OF e SKIP LOCKED`,
  );
  if (spent.length === 0) return new Set();
  if (anyReplicated(p.topology, spent.map((s) => s.queue))) await q.query(REPLICATED_COMMIT);
  await q.query(
    // Stamped when the lease ran out (its visible_at), not when the sweep came by.
    `INSERT INTO events (at, type, message_id, queue, node, attempt)
     SELECT at, 'lease_expired', m, qn, $3, a FROM unnest($1::uuid[], $2::text[], $4::int4[], $5::timestamptz[]) AS t(m, qn, a, at)`,
    [spent.map((s) => s.message_id), spent.map((s) => s.queue), p.node, spent.map((s) => s.attempt), spent.map((s) => s.ended)],
  );
  await queueEntryDeadLetter(q, {
    entries: spent.map((s) => ({ id: Number(s.id), queue: s.queue, attempt: s.attempt, lastError: s.last_error ?? 'lease expired' })),
    reason: 'max_deliveries',
    topology: p.topology,
    node: p.node,
    onDead: p.onDead,
    log: p.log,
  });
  return new Set(spent.map((s) => s.queue));
}

/** Dead-letters a durable or replicated queue's entries that outlived its message TTL (`expired`). */
export async function ttlSweep(q: Sql, p: { queue: string; ttlMs: number; topology: TopologySnapshot; node: string; onDead?: OnDead; log: DeadLetterLog }): Promise<number> {
  const expired = await q.query<{ id: number; attempt: number; last_error: string | null }>(
    `SELECT id, attempt, last_error FROM queue_entries
     WHERE queue = $1 AND NOT (lease IS NOT NULL AND visible_at > now())
       AND enqueued_at <= now() - $2::int8 * interval '1 millisecond'
     LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
    [p.queue, p.ttlMs],
  );
  if (expired.length > 0 && anyReplicated(p.topology, [p.queue])) await q.query(REPLICATED_COMMIT);
  return queueEntryDeadLetter(q, {
    entries: expired.map((e) => ({ id: Number(e.id), queue: p.queue, attempt: e.attempt, lastError: e.last_error })),
    reason: 'expired',
    topology: p.topology,
    node: p.node,
    onDead: p.onDead,
    log: p.log,
  });
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
