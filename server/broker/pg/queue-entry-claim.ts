import type { Sql } from '../../../db/driver';
import type { Delivery, Queue } from '../types';
import { MESSAGE_COLUMNS, rowToDelivery } from './rows';

/**
 * Leases up to `max` ready entries in one statement: skip rows other consumers hold, set the
 * new lease and visibility with the database clock, count the attempt, and record `delivered`
 * (and `lease_expired` for entries whose earlier lease ran out). Expired leases that used their
 * last attempt are left for the sweeper, which dead-letters them.
 *
 * One statement is its own transaction, so a claim is one round trip. Its commit does not wait
 * for the WAL flush (`set_config(..., true)` lasts until the end of the statement's implicit
 * transaction, whose commit reads it): a lease lost in a crash leaves the entry ready again, so
 * at-least-once holds.
 */
export async function queueEntryClaim(
  q: Sql,
  p: { queue: Queue; max: number; visibilityMs: number; node: string },
): Promise<Delivery[]> {
  const rows = await q.query(
    `WITH c AS (
       SELECT id, lease AS old_lease FROM queue_entries
       WHERE queue = $1 AND visible_at <= now()
         AND (lease IS NULL OR attempt < $3)
         AND ($5::int8 IS NULL OR enqueued_at > now() - $5::int8 * interval '1 millisecond')
         AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
       ORDER BY visible_at, id
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     ), u AS (
       UPDATE queue_entries e
       SET visible_at = now() + $4::int8 * interval '1 millisecond', lease = gen_random_uuid(), attempt = e.attempt + 1
       FROM c WHERE e.id = c.id
       RETURNING e.id, e.message_id, e.lease, e.attempt, e.death, e.queue, c.old_lease
     ), ev AS (
       INSERT INTO events (type, message_id, queue, node, attempt)
       SELECT t.type, u.message_id, u.queue, $6, t.attempt
       FROM u CROSS JOIN LATERAL (VALUES ('lease_expired', u.attempt - 1), ('delivered', u.attempt)) AS t(type, attempt)
       WHERE t.type = 'delivered' OR u.old_lease IS NOT NULL
     )
     SELECT u.id AS entry_id, u.lease, u.attempt, u.death, u.queue, ${MESSAGE_COLUMNS}
     FROM u JOIN messages m ON m.id = u.message_id
     ORDER BY u.id`,
    [p.queue.name, p.max, p.queue.settings.maxDeliveries, p.visibilityMs, p.queue.settings.messageTtlMs, p.node],
  );
  return rows.map(rowToDelivery);
}
