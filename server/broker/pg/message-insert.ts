import { randomUUID } from 'node:crypto';
import { jsonValue, type Sql } from '../../../db/driver';
import type { HandoffBatch } from '../handoff';
import type { TopologySnapshot } from '../route';
import type { StoredMessage } from '../types';
import { enforceMaxLength, type DeadLetterLog, type OnDead } from './dead-letter';
import { LOG_ORDER_LOCK } from './exchange-log';
import { READY_CHANNEL, readyPayload } from './notify';

/** A routed message ready to store; `durableQueues` get an entry row each. */
export interface PreparedMessage extends Omit<StoredMessage, 'publishedAt'> {
  idempotencyKey: string | null;
  delayMs: number;
  /** Every queue the message routed to (both tiers): recorded as `routed_to`. */
  queues: string[];
  durableQueues: string[];
  /** The dead letter this message re-publishes, when it comes from an edited or re-routed replay. */
  replayOf?: string | null;
}

/** Set when an idempotency key was seen within the window: the first message's id wins. */
export type InsertOutcome = { duplicateOf: { id: string; correlationId: string | null } | null };

const dedupKey = (m: { exchange: string; idempotencyKey: string | null }) => `${m.exchange}\u0000${m.idempotencyKey}`;

/**
 * Stores a batch of messages: claims idempotency keys, writes the messages, their queue entries,
 * the volume counts and one NOTIFY in a single statement (messageWrite), enforces max length.
 * Returns, per message, whether it was a duplicate. `q` is the caller's transaction or, when
 * insertNeedsTransaction() says none is needed, the database itself: then the one statement is
 * its own transaction, committed with `synchronousCommit` ('off', 'remote_apply'; null: the
 * server's setting).
 */
export async function messageInsertMany(
  q: Sql,
  p: {
    messages: PreparedMessage[];
    dedupWindowMs: number;
    topology: TopologySnapshot;
    node: string;
    onDead?: OnDead;
    log: DeadLetterLog;
    synchronousCommit?: 'off' | 'remote_apply' | null;
    /** Long polls waiting for these queues (handoff.ts). Only where the one statement is the whole transaction. */
    handoff?: HandoffBatch;
  },
): Promise<InsertOutcome[]> {
  const outcomes: InsertOutcome[] = p.messages.map(() => ({ duplicateOf: null }));
  const duplicates = await claimIdempotencyKeys(q, p.messages, p.dedupWindowMs);
  p.messages.forEach((m, i) => {
    const first = m.idempotencyKey ? duplicates.get(dedupKey(m)) : undefined;
    if (first && first.id !== m.id) outcomes[i] = { duplicateOf: first };
  });
  const fresh = p.messages.filter((_, i) => !outcomes[i]!.duplicateOf);
  const dups = outcomes.flatMap((o, i) => (o.duplicateOf ? [{ id: o.duplicateOf.id, key: p.messages[i]!.idempotencyKey }] : []));
  // Independent statements, sent together: pipelined on the connection, run in order.
  const pipeline: Promise<unknown>[] = [];
  if (fresh.length > 0) pipeline.push(messageWrite(q, fresh, p.node, p.synchronousCommit ?? null, p.handoff));
  if (dups.length > 0) {
    pipeline.push(
      q.query(
        `INSERT INTO events (type, message_id, node, detail)
         SELECT 'deduplicated', m, $3, jsonb_build_object('idempotencyKey', k) FROM unnest($1::uuid[], $2::text[]) AS t(m, k)`,
        [dups.map((d) => d.id), dups.map((d) => d.key), p.node],
      ),
    );
  }
  await Promise.all(pipeline);
  const touched = new Set(fresh.flatMap((m) => m.durableQueues));
  if (touched.size > 0) await enforceMaxLength(q, touched, p.topology, p.node, p.log, p.onDead);
  return outcomes;
}

/**
 * Whether storing these messages needs a transaction around messageWrite: idempotency keys are
 * claimed before it, and max length is enforced after it. Without either, the one statement is
 * the whole transaction: one round trip instead of BEGIN, statement, COMMIT.
 */
export function insertNeedsTransaction(messages: PreparedMessage[], topology: TopologySnapshot): boolean {
  return messages.some((m) => m.idempotencyKey || m.durableQueues.some((q) => topology.queues.get(q)?.settings.maxLength));
}

/**
 * One statement: take the log-order lock, insert the messages (rows in batch order), their queue
 * entries and the per-minute volume counts, and NOTIFY the queues touched. Entries that `handoff`
 * leases to waiting long polls are inserted under that lease (attempt 1, visible again after the
 * poll's visibility) with their `delivered` events; the polls get them once this commits.
 * - The lock is taken before the first message row exists (an init plan of the messages insert)
 *   and held to the commit: message inserts are serialised cluster-wide, so seq order is commit order.
 * - The never-null text columns and the bodies travel as arrays (cheap for PostgreSQL to parse;
 *   the bodies are most of the bytes); nullable, boolean and array columns as one small JSON
 *   document, because postgres.js cannot send NULL or bool inside arrays.
 * - `set_config(..., true)` lasts to the end of the transaction, and its commit reads it.
 */
async function messageWrite(
  q: Sql,
  fresh: PreparedMessage[],
  node: string,
  synchronousCommit: string | null,
  handoff: HandoffBatch | undefined,
): Promise<void> {
  const entries = { queue: [] as string[], id: [] as string[], delay: [] as number[], lease: [] as string[] };
  for (const m of fresh) {
    for (const queue of m.durableQueues) {
      // A delayed entry is not ready, so no waiting poll may take it.
      const leased = m.delayMs === 0 ? handoff?.lease(queue, m, randomUUID) : handoff?.unleased(queue);
      entries.queue.push(queue);
      entries.id.push(m.id);
      entries.delay.push(leased ? leased.visibilityMs : m.delayMs);
      entries.lease.push(leased ? leased.lease : ''); // postgres.js sends no NULL inside arrays
    }
  }
  const touched = [...new Set(entries.queue)].join(',');
  const [row] = await q.query<{ leased: unknown; at: Date | string }>(
    `WITH settings AS MATERIALIZED (
       SELECT pg_advisory_xact_lock($1) AS locked,
              CASE WHEN $2::text IS NULL THEN NULL ELSE set_config('synchronous_commit', $2::text, true) END AS commit_mode
     ), m AS (
       INSERT INTO messages (id, exchange, routing_key, content_type, correlation_id, body, headers, reply_to,
         idempotency_key, traceparent, tracestate, persistent, routed_to, replay_of, node)
       SELECT a.id, a.ex, a.rk, a.ct, a.c, decode(a.b, 'base64'), j.h, j.rt, j.ik, j.tp, j.ts, j.ps, j.r, j.ro, $17
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS a(id, ex, rk, ct, c, b, n)
       JOIN ROWS FROM (json_to_recordset($9::text::json) AS (h jsonb, rt text, ik text, tp text, ts text, ps bool, r text[], ro uuid))
         WITH ORDINALITY AS j(h, rt, ik, tp, ts, ps, r, ro, n) USING (n)
       WHERE (SELECT count(*) FROM settings) = 1
       ORDER BY n
       RETURNING 1
     ), e AS (
       INSERT INTO queue_entries (queue, message_id, visible_at, lease, attempt)
       SELECT qn, mid, now() + d * interval '1 millisecond', NULLIF(l, '')::uuid, CASE WHEN l = '' THEN 0 ELSE 1 END
       FROM unnest($10::text[], $11::uuid[], $12::int8[], $16::text[]) AS t(qn, mid, d, l)
       RETURNING id, queue, message_id, lease
     ), h AS (
       INSERT INTO events (type, message_id, queue, node, attempt)
       SELECT 'delivered', message_id, queue, $17, 1 FROM e WHERE lease IS NOT NULL
     ), c AS (
       INSERT INTO message_counts (exchange, routing_key, minute, count, bytes)
       SELECT ex, rk, date_trunc('minute', now()), n, b FROM json_to_recordset($13::text::json) AS t(ex text, rk text, n int8, b int8)
       ON CONFLICT (exchange, routing_key, minute)
       DO UPDATE SET count = message_counts.count + EXCLUDED.count, bytes = message_counts.bytes + EXCLUDED.bytes
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM m) AS messages, (SELECT count(*) FROM e) AS entries, (SELECT count(*) FROM c) AS counts,
       (SELECT json_agg(json_build_object('id', id, 'lease', lease)) FROM e WHERE lease IS NOT NULL) AS leased, now() AS at,
       CASE WHEN $15::text = '' THEN NULL ELSE pg_notify($14::text, $15::text) END AS notified`,
    [
      LOG_ORDER_LOCK,
      synchronousCommit,
      fresh.map((m) => m.id),
      fresh.map((m) => m.exchange),
      fresh.map((m) => m.routingKey),
      fresh.map((m) => m.contentType),
      fresh.map((m) => m.correlationId),
      fresh.map((m) => Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString('base64')),
      JSON.stringify(
        fresh.map((m) => ({
          h: m.headers,
          rt: m.replyTo,
          ik: m.idempotencyKey,
          tp: m.traceparent,
          ts: m.tracestate,
          ps: m.persistent,
          r: m.queues,
          ro: m.replayOf ?? null,
        })),
      ),
      entries.queue,
      entries.id,
      entries.delay,
      JSON.stringify(messageCounts(fresh)),
      READY_CHANNEL,
      touched ? readyPayload(node, touched) : '',
      entries.lease,
      node,
    ],
  );
  if (handoff) {
    handoff.committed(jsonValue<{ id: number; lease: string }[]>(row!.leased) ?? [], new Date(row!.at));
  }
}

/**
 * Claims each (exchange, key) once: a key seen within the window keeps its first message; an
 * older one is taken over. Returns the winner for every key in the batch.
 */
async function claimIdempotencyKeys(
  q: Sql,
  messages: PreparedMessage[],
  windowMs: number,
): Promise<Map<string, { id: string; correlationId: string | null }>> {
  const firsts = new Map<string, PreparedMessage>();
  for (const m of messages) if (m.idempotencyKey && !firsts.has(dedupKey(m))) firsts.set(dedupKey(m), m);
  const winners = new Map<string, { id: string; correlationId: string | null }>();
  if (firsts.size === 0) return winners;
  const list = [...firsts.values()];
  const rows = await q.query<{ exchange: string; key: string; message_id: string }>(
    `INSERT INTO idempotency_keys (exchange, key, message_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])
     ON CONFLICT (exchange, key) DO UPDATE SET message_id = EXCLUDED.message_id, created_at = now()
       WHERE idempotency_keys.created_at < now() - $4::int8 * interval '1 millisecond'
     RETURNING exchange, key, message_id`,
    [list.map((m) => m.exchange), list.map((m) => m.idempotencyKey), list.map((m) => m.id), windowMs],
  );
  // A key claimed here belongs to this batch's first message with that key: repeats answer with its correlation ID.
  for (const r of rows) {
    const key = `${r.exchange}\u0000${r.key}`;
    winners.set(key, { id: r.message_id, correlationId: firsts.get(key)?.correlationId ?? null });
  }
  // A key not claimed is held by a first publish within the window (an older one is taken over above).
  const lost = list.filter((m) => !winners.has(dedupKey(m)));
  const existing = await storedFirstPublishes(q, lost.map((m) => ({ exchange: m.exchange, key: m.idempotencyKey! })), windowMs);
  for (const [key, first] of existing) winners.set(key, first);
  return winners;
}

/**
 * The stored first publish of each (exchange, key) still within the window, read without claiming
 * anything: for the keys a batch lost to an earlier publish, and for a message that reaches memory
 * queues only (a duplicate of a stored one with its key). correlationId is null once retention
 * has removed that message.
 */
export async function storedFirstPublishes(
  q: Sql,
  keys: { exchange: string; key: string }[],
  windowMs: number,
): Promise<Map<string, { id: string; correlationId: string | null }>> {
  const firsts = new Map<string, { id: string; correlationId: string | null }>();
  if (keys.length === 0) return firsts;
  const rows = await q.query<{ exchange: string; key: string; message_id: string; correlation_id: string | null }>(
    `SELECT k.exchange, k.key, k.message_id, m.correlation_id
     FROM idempotency_keys k JOIN unnest($1::text[], $2::text[]) AS t(ex, ik) ON k.exchange = t.ex AND k.key = t.ik
     LEFT JOIN messages m ON m.id = k.message_id
     WHERE k.created_at >= now() - $3::int8 * interval '1 millisecond'`,
    [keys.map((k) => k.exchange), keys.map((k) => k.key), windowMs],
  );
  for (const r of rows) firsts.set(`${r.exchange}\u0000${r.key}`, { id: r.message_id, correlationId: r.correlation_id });
  return firsts;
}

/** This batch's share of the per-minute volume counts that history reads, per exchange and routing key. */
function messageCounts(messages: PreparedMessage[]): { ex: string; rk: string; n: number; b: number }[] {
  const counts = new Map<string, { ex: string; rk: string; n: number; b: number }>();
  for (const m of messages) {
    const key = `${m.exchange}\u0000${m.routingKey}`;
    const c = counts.get(key) ?? counts.set(key, { ex: m.exchange, rk: m.routingKey, n: 0, b: 0 }).get(key)!;
    c.n++;
    c.b += m.body.byteLength;
  }
  return [...counts.values()];
}
