import type { Sql } from '../../../db/driver';
import { decideNack } from '../backoff';
import { formatReceipt, receiptsOf, type Receipt } from '../receipts';
import type { TopologySnapshot } from '../route';
import type { NackOptions, Queue } from '../types';
import { queueEntryDeadLetter, type DeadLetterLog, type DyingEntry, type OnDead } from './dead-letter';

/**
 * Only a lease that is still current can settle its entry: a stale receipt matches nothing (the
 * ack says it again, per queue).
 *
 * These statements take receipts by the hundred and must stay cheap whatever plan they get:
 * both drivers prepare them, so after five runs PostgreSQL may plan them generically, knowing
 * nothing of the arrays' sizes. Joined to `unnest(receipts)`, such a plan put the function scan
 * inside a nested loop and unpacked the arrays again for every entry (300 receipts: 90,000
 * rows, ~100 ms on PGlite, and a backlog drain fell from 5,800 to 2,600 msg/s within a minute).
 * So there is no join: a lease is a random UUID, unique to one lease of one entry, so an entry
 * whose current lease is among the receipts' is the entry a receipt names. The entries are
 * found by id through the primary key, the one index that may serve (the other tests are inside
 * IS TRUE, which no index can take: the partial index on leased entries, from now on, holds
 * every lease of the last visibility timeout, acked ones too until a vacuum).
 */
const CURRENT_LEASE = `e.id = ANY($2::int8[]) AND (e.lease = ANY($3::uuid[]) AND e.queue = $1::text AND e.visible_at > now()) IS TRUE`;
const receiptArrays = (rs: Receipt[]) => [rs.map((r) => r.entryId), rs.map((r) => r.lease)];

/**
 * Deletes the entries whose leases are current and records `acked`; returns, for each ack in
 * `acks`, the receipts it acked. Several requests (and queues) share one statement and one
 * commit; a receipt given twice is acked by one of them only, the other finds it stale. Each
 * entry's lease is looked up in one JSON object of the receipts (lease → ack, queue), read once
 * per statement; see CURRENT_LEASE for why there is no join.
 */
export async function queueEntryAck(q: Sql, p: { acks: { queue: string; receipts: Receipt[] }[]; node: string }): Promise<Set<string>[]> {
  const byLease: Record<string, [number, string]> = {};
  const ids: number[] = [];
  p.acks.forEach((a, i) => {
    for (const r of a.receipts) {
      byLease[r.lease] = [i, a.queue];
      ids.push(r.entryId);
    }
  });
  const rows = await q.query<{ id: number; lease: string; ack: number }>(
    `WITH k AS MATERIALIZED (SELECT $1::text::jsonb AS receipts), d AS (
       DELETE FROM queue_entries e
       WHERE e.id = ANY($2::int8[]) AND (e.queue = ((SELECT receipts FROM k) -> e.lease::text ->> 1) AND e.visible_at > now()) IS TRUE
       RETURNING e.id, e.lease, e.message_id, e.attempt, e.queue, ((SELECT receipts FROM k) -> e.lease::text ->> 0)::int4 AS ack
     ), ev AS (
       INSERT INTO events (type, message_id, queue, node, attempt) SELECT 'acked', message_id, queue, $3, attempt FROM d
     )
     SELECT id, lease, ack FROM d`,
    [JSON.stringify(byLease), ids, p.node],
  );
  const acked = p.acks.map(() => new Set<string>());
  for (const r of rows) acked[Number(r.ack)]!.add(formatReceipt({ entryId: Number(r.id), lease: r.lease }));
  return acked;
}

/** The queues whose entries `receipts` name under their current leases: formatted receipt → queue. */
export async function queueEntryLeaseHolders(q: Sql, receipts: Receipt[]): Promise<Map<string, string>> {
  const rows = await q.query<{ id: number; lease: string; queue: string }>(
    `SELECT e.id, e.lease, e.queue FROM queue_entries e
     WHERE e.id = ANY($1::int8[]) AND (e.lease = ANY($2::uuid[]) AND e.visible_at > now()) IS TRUE`,
    receiptArrays(receipts),
  );
  return new Map(rows.map((r) => [formatReceipt({ entryId: Number(r.id), lease: r.lease }), r.queue]));
}

/**
 * Gives back leases that no consumer saw: the receive that took them was abandoned (its client
 * went away) while its claim or its handoff was in flight. Each entry is ready again at once and
 * its attempt is taken back, so a consumer that vanished does not bring a message closer to its
 * dead-letter queue. Records `released` (with the attempt given back); returns how many.
 */
export async function queueEntryRelease(q: Sql, p: { queue: string; receipts: Receipt[]; node: string }): Promise<number> {
  const rows = await q.query(
    `WITH r AS (
       UPDATE queue_entries e SET lease = NULL, visible_at = now(), attempt = e.attempt - 1
       WHERE ${CURRENT_LEASE}
       RETURNING e.message_id, e.attempt
     )
     INSERT INTO events (type, message_id, queue, node, attempt) SELECT 'released', message_id, $1, $4, attempt + 1 FROM r
     RETURNING 1`,
    [p.queue, ...receiptArrays(p.receipts), p.node],
  );
  return rows.length;
}

/** Pushes the current leases' visibility out by `visibilityMs` from now; returns the receipts extended. */
export async function queueEntryExtend(
  q: Sql,
  p: { queue: string; receipts: Receipt[]; visibilityMs: number },
): Promise<Set<string>> {
  const rows = await q.query<{ id: number; lease: string }>(
    `UPDATE queue_entries e SET visible_at = now() + $4::int8 * interval '1 millisecond'
     WHERE ${CURRENT_LEASE}
     RETURNING e.id, e.lease`,
    [p.queue, ...receiptArrays(p.receipts), p.visibilityMs],
  );
  return receiptsOf(rows);
}

/**
 * Ends the current leases as failures: each entry is scheduled for retry after the queue's
 * backoff (or the delay asked for), or dead-lettered when it used its last attempt or the
 * consumer said requeue: false. Records `nacked`, then `retry_scheduled` or `dead_lettered`.
 */
export async function queueEntryNack(
  q: Sql,
  p: { queue: Queue; receipts: Receipt[]; options: NackOptions; topology: TopologySnapshot; node: string; onDead?: OnDead; log: DeadLetterLog },
): Promise<Set<string>> {
  const { queue, options } = p;
  const held = await q.query<{ id: number; lease: string; message_id: string; attempt: number }>(
    `SELECT e.id, e.lease, e.message_id, e.attempt FROM queue_entries e
     WHERE ${CURRENT_LEASE} FOR UPDATE OF e`,
    [queue.name, ...receiptArrays(p.receipts)],
  );
  const error = options.error ?? null;
  const retry: { id: number[]; delay: number[] } = { id: [], delay: [] };
  const dying: Record<'rejected' | 'max_deliveries', DyingEntry[]> = { rejected: [], max_deliveries: [] };
  for (const h of held) {
    const decision = decideNack({
      attempt: h.attempt,
      maxDeliveries: queue.settings.maxDeliveries,
      policy: queue.settings.retry,
      requeue: options.requeue,
      delayMs: options.delayMs,
    });
    if (decision.kind === 'retry') {
      retry.id.push(Number(h.id));
      retry.delay.push(decision.delayMs);
    } else {
      dying[decision.reason].push({ id: Number(h.id), queue: queue.name, attempt: h.attempt, lastError: error });
    }
  }
  await q.query(
    `INSERT INTO events (type, message_id, queue, node, attempt, detail)
     SELECT 'nacked', message_id, $1, $2, attempt, $3::text::jsonb FROM queue_entries WHERE id = ANY($4::int8[])`,
    [queue.name, p.node, JSON.stringify({ error }), held.map((h) => h.id)],
  );
  if (retry.id.length > 0) {
    await q.query(
      // Each entry's delay looked up by id in one JSON object, not joined (CURRENT_LEASE says why).
      `WITH k AS MATERIALIZED (SELECT $3::text::jsonb AS delays), u AS (
         UPDATE queue_entries e SET lease = NULL, last_error = $2,
           visible_at = now() + ((SELECT delays FROM k) ->> e.id::text)::int8 * interval '1 millisecond'
         WHERE e.id = ANY($1::int8[])
         RETURNING e.message_id, e.attempt, ((SELECT delays FROM k) ->> e.id::text)::int8 AS delay
       )
       INSERT INTO events (type, message_id, queue, node, attempt, detail)
       SELECT 'retry_scheduled', message_id, $4, $5, attempt, jsonb_build_object('delayMs', delay) FROM u`,
      [retry.id, error, JSON.stringify(Object.fromEntries(retry.id.map((id, i) => [id, retry.delay[i]]))), queue.name, p.node],
    );
  }
  for (const reason of ['rejected', 'max_deliveries'] as const) {
    await queueEntryDeadLetter(q, { entries: dying[reason], reason, topology: p.topology, node: p.node, onDead: p.onDead, log: p.log });
  }
  return receiptsOf(held);
}
