import type { Sql } from '../../../db/driver';
import type { Delivery, Queue } from '../types';
import { MESSAGE_COLUMNS, rowToDelivery } from './rows';

/**
 * Leases up to `visibilityMs.length` ready entries in one statement, in queue order: the
 * entry in slot i (from 0) is leased for `visibilityMs[i]` ms, so one statement can serve several
 * receives, each with its own visibility (claim-combiner.ts). hatoba_claimable (migration 0007)
 * walks the claim index and skips rows other consumers hold; the statement then sets each new
 * lease and visibility with the database clock, counts the attempt, and records `delivered`
 * (and `lease_expired`, stamped when the earlier lease ran out, for entries whose lease did). Expired leases that used their
 * last attempt are left for the sweeper, which dead-letters them. Returns the deliveries in slot
 * order.
 *
 * The UPDATE and the join to messages stay in this statement, under its one snapshot. The
 * function's query runs under a newer one (a volatile function takes a snapshot per query), so
 * it may lock entries that committed after this statement began; the UPDATE cannot see those
 * and leaves them ready. Moving the UPDATE into the function (tried, to reach the rows by ctid)
 * leased such entries and then lost them in the join, whose snapshot cannot see their messages:
 * they came back only when the lease ran out.
 *
 * One statement is its own transaction, so a claim is one round trip. Its commit does not wait
 * for the WAL flush (`set_config(..., true)` lasts until the end of the statement's implicit
 * transaction, whose commit reads it): a lease lost in a crash leaves the entry ready again, so
 * at-least-once holds.
 */
export async function queueEntryClaim(
  q: Sql,
  p: { queue: Queue; visibilityMs: number[]; node: string },
): Promise<Delivery[]> {
  if (p.visibilityMs.length === 0) return [];
  const rows = await q.query(
    `WITH c AS MATERIALIZED (
       SELECT h.id, h.old_lease, row_number() OVER () AS slot,
         -- when the earlier lease ran out (its visible_at before this claim moves it); read only for those
         CASE WHEN h.old_lease IS NOT NULL THEN (SELECT x.visible_at FROM queue_entries x WHERE x.id = h.id) END AS lease_ended
       FROM hatoba_claimable($1, cardinality($2::int8[]), $3, $4) AS h
       WHERE (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
     ), u AS (
       UPDATE queue_entries e
       SET visible_at = now() + ($2::int8[])[c.slot] * interval '1 millisecond', lease = gen_random_uuid(), attempt = e.attempt + 1
       FROM c WHERE e.id = c.id
       RETURNING e.id, e.message_id, e.lease, e.attempt, e.death, e.queue, c.old_lease, c.lease_ended, c.slot
     ), ev AS (
       INSERT INTO events (at, type, message_id, queue, node, attempt)
       SELECT CASE WHEN t.type = 'lease_expired' THEN coalesce(u.lease_ended, now()) ELSE now() END, t.type, u.message_id, u.queue, $5, t.attempt
       FROM u CROSS JOIN LATERAL (VALUES ('lease_expired', u.attempt - 1), ('delivered', u.attempt)) AS t(type, attempt)
       WHERE t.type = 'delivered' OR u.old_lease IS NOT NULL
     )
     SELECT u.id AS entry_id, u.lease, u.attempt, u.death, u.queue, ${MESSAGE_COLUMNS}
     FROM u JOIN messages m ON m.id = u.message_id
     ORDER BY u.slot`,
    [p.queue.name, p.visibilityMs, p.queue.settings.maxDeliveries, p.queue.settings.messageTtlMs, p.node],
  );
  return rows.map(rowToDelivery);
}
