import { uuidv7 } from '../ids';
import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import { route, type TopologySnapshot } from '../route';
import { anyReplicated, inDatabase, REPLICATED_COMMIT, tierOf } from '../tiers';
import type { Death, ReplayRequest } from '../types';
import { noSkips, REPLAY_LIMIT, replayResult, skipUnplaced, throwIfOnlyMissingOrigins, type ReplayResult } from '../replay-checks';
import { idSkipsOf, withIdSkips, type PresentEntry } from '../replay-ids';
import { enforceMaxLength, type DeadLetterLog } from './dead-letter';
import { messageInsertMany, type PreparedMessage } from './message-insert';
import { notifyReady } from './notify';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';

/**
 * Moves dead letters out of a DLQ. Back to a queue unchanged, the entry keeps its message id;
 * edited or re-routed through an exchange, a new message is stored that links to the old one
 * (`replay_of`). Either way the correlation ID is kept, attempts restart, and `replayed` is
 * recorded. Rows are locked with SKIP LOCKED, so two concurrent replays move each entry once.
 * A queue never holds one message twice: unchanged into a queue that still holds that message
 * (it was routed there too), the replay is a new message linked to the old one, as an edit is.
 * Max length is enforced on the target as a publish does. Dead letters whose origin is gone stay,
 * counted in the answer; at most REPLAY_LIMIT move in one call (`more` says when more may match).
 * `filter.arrivedBy` (a preview's `readAt`, milliseconds) leaves entries that arrived in the DLQ
 * after that millisecond: a replay confirmed from a preview moves no more than the preview saw.
 * Ids asked for that are not in the DLQ, or that a consumer holds, are named in the answer; so
 * are, without ids, the matching dead letters a consumer holds (`skipped.leased`).
 * The request and its target were checked by the caller (dead-letter-ops.ts, for both tiers).
 */
export async function deadLetterReplay(
  q: Sql,
  p: { dlq: string; request: ReplayRequest; topology: TopologySnapshot; node: string; log: DeadLetterLog },
): Promise<ReplayResult> {
  const { request: r, topology } = p;
  const target = r.target ?? 'origin';
  const f = r.filter ?? {};
  const rows = await q.query(
    `SELECT e.id AS entry_id, e.death, ${MESSAGE_COLUMNS}
     FROM queue_entries e JOIN messages m ON m.id = e.message_id
     WHERE e.queue = $1 AND NOT (e.lease IS NOT NULL AND e.visible_at > now())
       AND ($2::uuid[] IS NULL OR e.message_id = ANY($2::uuid[]))
       AND ($3::text IS NULL OR m.routing_key = $3)
       AND ($4::text IS NULL OR strpos(lower(e.death->>'lastError'), lower($4)) > 0)
       AND ($5::timestamptz IS NULL OR (e.death->>'diedAt')::timestamptz >= $5)
       AND ($6::timestamptz IS NULL OR (e.death->>'diedAt')::timestamptz <= $6)
       AND ($8::timestamptz IS NULL OR e.enqueued_at < $8::timestamptz + interval '1 millisecond')
     ORDER BY e.id LIMIT $7
     FOR UPDATE OF e SKIP LOCKED`,
    [p.dlq, r.ids ?? null, f.routingKey ?? null, f.error ?? null, f.from ?? null, f.to ?? null, REPLAY_LIMIT + 1, f.arrivedBy ?? null],
  );
  // Read after the rows are locked, so an id asked for that a consumer took meanwhile counts as leased.
  const ids = r.ids ? idSkipsOf(r.ids, await entriesOfIds(q, p.dlq, r.ids)) : { notFound: [], leased: await leasedMatching(q, p.dlq, f), busy: [] };
  const more = rows.length > REPLAY_LIMIT;
  if (more) rows.length = REPLAY_LIMIT;
  const moved: { entryId: number; messageId: string; to: string[]; newId: string | null }[] = [];
  const sameMessage: { queue: string[]; message: string[] } = { queue: [], message: [] };
  const fresh: PreparedMessage[] = [];
  const skips = noSkips();
  const held = await heldAlready(q, rows, target, topology);
  for (const row of rows) {
    const message = rowToMessage(row);
    const death = jsonValue<Death | null>(row.death);
    const reroute = typeof target === 'object' && 'exchange' in target;
    const exchange = reroute ? target.exchange : message.exchange;
    const routingKey = reroute ? (target.routingKey ?? message.routingKey) : message.routingKey;
    const headers = r.edit?.headers ?? message.headers;
    const queues =
      target === 'origin'
        ? death && topology.queues.has(death.queue) ? [death.queue] : []
        : 'queue' in target ? [target.queue] : route(topology, exchange, routingKey, headers);
    const durableQueues = queues.filter((qn) => inDatabase(tierOf(topology, qn)));
    if (durableQueues.length === 0) {
      // Nowhere to go: it stays in the DLQ, counted by why.
      skipUnplaced(skips, topology, target, death);
      continue;
    }
    if (reroute || r.edit || durableQueues.some((qn) => held.has(`${qn}\u0000${message.id}`))) {
      const id = uuidv7();
      fresh.push({
        ...message,
        id,
        exchange,
        routingKey,
        headers,
        body: r.edit?.body ?? message.body,
        contentType: r.edit?.contentType ?? message.contentType,
        idempotencyKey: null,
        delayMs: 0,
        queues: durableQueues,
        durableQueues,
        replayOf: message.id,
      });
      moved.push({ entryId: Number(row.entry_id), messageId: message.id, to: durableQueues, newId: id });
    } else {
      for (const qn of durableQueues) {
        sameMessage.queue.push(qn);
        sameMessage.message.push(message.id);
      }
      moved.push({ entryId: Number(row.entry_id), messageId: message.id, to: durableQueues, newId: null });
    }
  }
  throwIfOnlyMissingOrigins(moved.length, skips, p.dlq);
  if (moved.length === 0) return withIdSkips(replayResult(0, skips, more), ids);
  // Known only now: out of a replicated DLQ, or into a replicated queue, the move waits for the standby.
  if (anyReplicated(topology, [p.dlq, ...moved.flatMap((m) => m.to)])) await q.query(REPLICATED_COMMIT);
  await q.query('DELETE FROM queue_entries WHERE id = ANY($1::int8[])', [moved.map((m) => m.entryId)]);
  if (sameMessage.queue.length > 0) {
    await q.query('INSERT INTO queue_entries (queue, message_id) SELECT * FROM unnest($1::text[], $2::uuid[])', [
      sameMessage.queue,
      sameMessage.message,
    ]);
    // Search by queue finds the message where it now is.
    await q.query(
      `UPDATE messages m SET routed_to = m.routed_to || t.qn
       FROM unnest($1::text[], $2::uuid[]) AS t(qn, mid) WHERE m.id = t.mid AND NOT m.routed_to @> ARRAY[t.qn]`,
      [sameMessage.queue, sameMessage.message],
    );
    await enforceMaxLength(q, new Set(sameMessage.queue), topology, p.node, p.log);
    await notifyReady(q, p.node, sameMessage.queue);
  }
  if (fresh.length > 0) await messageInsertMany(q, { messages: fresh, dedupWindowMs: 0, topology, node: p.node, log: p.log });
  await q.query(
    `INSERT INTO events (type, message_id, queue, node, detail)
     SELECT 'replayed', m, $2, $3, d FROM unnest($1::uuid[], $4::text[]::jsonb[]) AS t(m, d)`,
    [moved.map((m) => m.messageId), p.dlq, p.node, moved.map((m) => JSON.stringify({ to: m.to, newMessageId: m.newId }))],
  );
  return withIdSkips(replayResult(moved.length, skips, more), ids);
}

/** The DLQ's entries of the ids asked for (by the id as asked), and whether a consumer holds each now. */
/**
 * The DLQ entries of the asked ids, each with whether a consumer holds it and, for the others,
 * whether another transaction (a concurrent replay or discard) has it locked: those the replay's
 * SKIP LOCKED passed over. Trying their locks here takes the ones free of them, which this
 * transaction then holds to its end; nothing waits.
 */
async function entriesOfIds(q: Sql, dlq: string, ids: string[] | undefined): Promise<PresentEntry[]> {
  if (!ids) return [];
  const found = await q.query<{ id: string; entry: string; leased: boolean }>(
    `SELECT t.id, e.id::text AS entry, (e.lease IS NOT NULL AND e.visible_at > now()) AS leased
     FROM unnest($2::text[]) AS t(id) JOIN queue_entries e ON e.queue = $1 AND e.message_id = t.id::uuid`,
    [dlq, ids],
  );
  const unleased = found.filter((e) => !e.leased).map((e) => e.entry);
  if (unleased.length === 0) return found;
  const free = new Set(
    (await q.query<{ id: string }>('SELECT id::text AS id FROM queue_entries WHERE id = ANY($1::int8[]) FOR UPDATE SKIP LOCKED', [unleased])).map((r) => r.id),
  );
  return found.map((e) => ({ id: e.id, leased: e.leased, busy: !e.leased && !free.has(e.entry) }));
}

/**
 * The dead letters `all` or a filter matched that a consumer holds now (leased, in flight), which
 * the replay leaves: their message ids, in the DLQ's order, at most REPLAY_LIMIT (a replay by
 * `ids` names no more). Read through the index of leased entries (queue_entries_leased), so a big
 * DLQ with few leases costs little.
 */
async function leasedMatching(q: Sql, dlq: string, f: NonNullable<ReplayRequest['filter']>): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT e.message_id::text AS id
     FROM queue_entries e JOIN messages m ON m.id = e.message_id
     WHERE e.queue = $1 AND e.lease IS NOT NULL AND e.visible_at > now()
       AND ($2::text IS NULL OR m.routing_key = $2)
       AND ($3::text IS NULL OR strpos(lower(e.death->>'lastError'), lower($3)) > 0)
       AND ($4::timestamptz IS NULL OR (e.death->>'diedAt')::timestamptz >= $4)
       AND ($5::timestamptz IS NULL OR (e.death->>'diedAt')::timestamptz <= $5)
       AND ($6::timestamptz IS NULL OR e.enqueued_at < $6::timestamptz + interval '1 millisecond')
     ORDER BY e.id LIMIT $7`,
    [dlq, f.routingKey ?? null, f.error ?? null, f.from ?? null, f.to ?? null, f.arrivedBy ?? null, REPLAY_LIMIT],
  );
  return rows.map((row) => row.id);
}

/** Which (queue, message) pairs an unchanged replay would write already exist, as `queue\u0000messageId`. */
async function heldAlready(q: Sql, rows: Record<string, unknown>[], target: NonNullable<ReplayRequest['target']>, topology: TopologySnapshot): Promise<Set<string>> {
  if (typeof target === 'object' && 'exchange' in target) return new Set();
  const pairs = rows.flatMap((row) => {
    const death = jsonValue<Death | null>(row.death);
    const qn = target === 'origin' ? death?.queue : target.queue;
    return qn && topology.queues.has(qn) ? [{ qn, mid: String(row.id) }] : [];
  });
  if (pairs.length === 0) return new Set();
  const found = await q.query<{ queue: string; message_id: string }>(
    `SELECT e.queue, e.message_id FROM queue_entries e JOIN unnest($1::text[], $2::uuid[]) AS t(qn, mid) ON e.queue = t.qn AND e.message_id = t.mid`,
    [pairs.map((x) => x.qn), pairs.map((x) => x.mid)],
  );
  return new Set(found.map((f) => `${f.queue}\u0000${f.message_id}`));
}

/** Whether `queue` holds a dead letter (an entry with a death record): one row of the dead letters' arrival index. */
export async function holdsDeadLetters(q: Sql, queue: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM queue_entries WHERE queue = $1 AND death IS NOT NULL LIMIT 1', [queue]);
  return rows.length > 0;
}
