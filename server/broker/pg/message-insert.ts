import type { Sql } from '../../../db/driver';
import type { TopologySnapshot } from '../route';
import type { StoredMessage } from '../types';
import { queueEntryDeadLetter, type OnDead } from './dead-letter';
import { LOG_ORDER_LOCK } from './exchange-log';
import { notifyReady } from './notify';

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
 * Stores a batch of messages in the caller's transaction: claims idempotency keys, inserts the
 * messages and their queue entries with one multi-row statement each, enforces max length, and
 * NOTIFYs once. Returns, per message, whether it was a duplicate.
 */
export async function messageInsertMany(
  q: Sql,
  p: { messages: PreparedMessage[]; dedupWindowMs: number; topology: TopologySnapshot; node: string; onDead?: OnDead },
): Promise<InsertOutcome[]> {
  const outcomes: InsertOutcome[] = p.messages.map(() => ({ duplicateOf: null }));
  const duplicates = await claimIdempotencyKeys(q, p.messages, p.dedupWindowMs);
  p.messages.forEach((m, i) => {
    const first = m.idempotencyKey ? duplicates.get(dedupKey(m)) : undefined;
    if (first && first.id !== m.id) outcomes[i] = { duplicateOf: first };
  });
  const fresh = p.messages.filter((_, i) => !outcomes[i]!.duplicateOf);
  const entries = fresh.flatMap((m) => m.durableQueues.map((queue) => ({ queue, id: m.id, delay: m.delayMs })));
  const touched = new Set(entries.map((e) => e.queue));
  const dups = outcomes.flatMap((o, i) => (o.duplicateOf ? [{ id: o.duplicateOf.id, key: p.messages[i]!.idempotencyKey }] : []));
  // The statements below do not depend on each other's results: sent together, they are
  // pipelined on the connection (one round trip), and run in order.
  const pipeline: Promise<unknown>[] = [];
  if (fresh.length > 0) {
    // From here to the commit, message inserts are serialised cluster-wide: seq order is commit order.
    pipeline.push(q.query('SELECT pg_advisory_xact_lock($1)', [LOG_ORDER_LOCK]));
    // One JSON parameter rather than parallel arrays: postgres.js cannot send NULL or bool inside arrays.
    pipeline.push(
      q.query(
        `INSERT INTO messages (id, exchange, routing_key, headers, content_type, body, correlation_id, reply_to,
           idempotency_key, traceparent, tracestate, persistent, routed_to, replay_of)
         SELECT id, ex, rk, h, ct, decode(b, 'base64'), c, rt, ik, tp, ts, ps, r, ro
         FROM json_to_recordset($1::text::json) AS t(id uuid, ex text, rk text, h jsonb, ct text, b text, c text, rt text,
           ik text, tp text, ts text, ps bool, r text[], ro uuid)`,
        [
          JSON.stringify(
            fresh.map((m) => ({
              id: m.id,
              ex: m.exchange,
              rk: m.routingKey,
              h: m.headers,
              ct: m.contentType,
              b: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString('base64'),
              c: m.correlationId,
              rt: m.replyTo,
              ik: m.idempotencyKey,
              tp: m.traceparent,
              ts: m.tracestate,
              ps: m.persistent,
              r: m.queues,
              ro: m.replayOf ?? null,
            })),
          ),
        ],
      ),
    );
    pipeline.push(messageCountAdd(q, fresh));
  }
  if (entries.length > 0) {
    pipeline.push(
      q.query(
        `INSERT INTO queue_entries (queue, message_id, visible_at)
         SELECT qn, mid, now() + d * interval '1 millisecond' FROM unnest($1::text[], $2::uuid[], $3::int8[]) AS t(qn, mid, d)`,
        [entries.map((e) => e.queue), entries.map((e) => e.id), entries.map((e) => e.delay)],
      ),
    );
    pipeline.push(notifyReady(q, p.node, touched));
  }
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
  if (entries.length > 0) await enforceMaxLength(q, touched, p.topology, p.node, p.onDead);
  return outcomes;
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
  const lost = list.filter((m) => !winners.has(dedupKey(m)));
  if (lost.length > 0) {
    const existing = await q.query<{ exchange: string; key: string; message_id: string; correlation_id: string | null }>(
      `SELECT k.exchange, k.key, k.message_id, m.correlation_id
       FROM idempotency_keys k JOIN unnest($1::text[], $2::text[]) AS t(ex, ik) ON k.exchange = t.ex AND k.key = t.ik
       LEFT JOIN messages m ON m.id = k.message_id`,
      [lost.map((m) => m.exchange), lost.map((m) => m.idempotencyKey)],
    );
    for (const r of existing) winners.set(`${r.exchange}\u0000${r.key}`, { id: r.message_id, correlationId: r.correlation_id });
  }
  return winners;
}

async function enforceMaxLength(q: Sql, queues: Set<string>, topology: TopologySnapshot, node: string, onDead?: OnDead): Promise<void> {
  for (const name of queues) {
    const maxLength = topology.queues.get(name)?.settings.maxLength;
    if (!maxLength) continue;
    // Drop-head, as RabbitMQ does: the oldest entries not under a lease leave first.
    const over = await q.query<{ id: number; attempt: number; last_error: string | null }>(
      `SELECT id, attempt, last_error FROM queue_entries WHERE queue = $1 AND lease IS NULL
       ORDER BY id DESC OFFSET $2 FOR UPDATE SKIP LOCKED`,
      [name, maxLength],
    );
    await queueEntryDeadLetter(q, {
      entries: over.map((o) => ({ id: Number(o.id), queue: name, attempt: o.attempt, lastError: o.last_error })),
      reason: 'max_length',
      topology,
      node,
      onDead,
    });
  }
}

/** Adds this batch to the per-minute volume counts that history reads. */
async function messageCountAdd(q: Sql, messages: PreparedMessage[]): Promise<unknown> {
  const counts = new Map<string, { ex: string; rk: string; n: number; b: number }>();
  for (const m of messages) {
    const key = `${m.exchange}\u0000${m.routingKey}`;
    const c = counts.get(key) ?? counts.set(key, { ex: m.exchange, rk: m.routingKey, n: 0, b: 0 }).get(key)!;
    c.n++;
    c.b += m.body.byteLength;
  }
  if (counts.size === 0) return;
  return q.query(
    `INSERT INTO message_counts (exchange, routing_key, minute, count, bytes)
     SELECT ex, rk, date_trunc('minute', now()), n, b FROM json_to_recordset($1::text::json) AS t(ex text, rk text, n int8, b int8)
     ON CONFLICT (exchange, routing_key, minute)
     DO UPDATE SET count = message_counts.count + EXCLUDED.count, bytes = message_counts.bytes + EXCLUDED.bytes`,
    [JSON.stringify([...counts.values()])],
  );
}
