import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import { notifyReady } from './notify';
import { countDead, deadLetterPlan, deadLetteredDetail, diedBefore, otherTierReason, type DeadCount } from '../dead-letter-targets';
import type { Logger } from '../broker';
import type { Telemetry } from '../telemetry';
import type { TopologySnapshot } from '../route';
import type { Death, DeathReason } from '../types';

/** Where a dead letter that cannot be moved is told: the broker's logger, of which this needs warn. */
export type DeadLetterLog = Pick<Logger, 'warn'>;

/** Told how many entries of a queue died, why, and where they arrived (metrics, rates). */
export type OnDead = Telemetry['deadLettered'];

/**
 * Runs `fn` (a transaction) with an OnDead that only collects, and reports to `onDead` once
 * `fn` has resolved, i.e. committed: a metric must not count a dead letter whose transaction
 * rolled back, nor before its move is visible to a reader.
 */
export async function reportDeadAfter<T>(onDead: OnDead | undefined, fn: (collect: OnDead) => Promise<T>): Promise<T> {
  const seen: Parameters<OnDead>[] = [];
  const value = await fn((...call) => seen.push(call));
  for (const call of seen) onDead?.(...call);
  return value;
}

export interface DyingEntry {
  id: number;
  queue: string;
  attempt: number;
  lastError: string | null;
}

/**
 * Moves entries out of their queue into its dead-letter target(s), keeping the message id and
 * recording the death (API.md) on the new entry and a `dead_lettered` event. Runs inside the
 * caller's transaction; the entries must already be locked by it.
 */
export async function queueEntryDeadLetter(
  q: Sql,
  p: { entries: DyingEntry[]; reason: DeathReason; topology: TopologySnapshot; node: string; onDead?: OnDead; log: DeadLetterLog },
): Promise<number> {
  if (p.entries.length === 0) return 0;
  const rows = await q.query<{ id: number; message_id: string; exchange: string; routing_key: string; headers: unknown; death: unknown; at: string }>(
    `SELECT e.id, e.message_id, m.exchange, m.routing_key, m.headers, e.death, now() AS at FROM queue_entries e JOIN messages m ON m.id = e.message_id
     WHERE e.id = ANY($1::int8[])`,
    [p.entries.map((e) => e.id)],
  );
  const byId = new Map(p.entries.map((e) => [e.id, e]));
  const plans = new Map(
    rows.map((r) => {
      const queue = byId.get(Number(r.id))!.queue;
      // the death it carries says which queues it already died from in this chain (cycle detection)
      const earlier = jsonValue<Death | null>(r.death) ?? null;
      return [Number(r.id), deadLetterPlan(p.topology, queue, { routingKey: r.routing_key, headers: jsonValue<Record<string, string>>(r.headers) ?? {} }, p.reason, earlier)];
    }),
  );
  // A dead letter whose exchange routes to a queue of another tier is not moved (this tier cannot
  // store it there): the entry stays in its queue, hidden for its visibility timeout, then is tried again.
  const kept = rows.filter((r) => plans.get(Number(r.id))!.otherTier.length > 0);
  if (kept.length > 0) await keepEntries(q, p, kept.map((r) => ({ id: Number(r.id), messageId: r.message_id, otherTier: plans.get(Number(r.id))!.otherTier })));
  const keptIds = new Set(kept.map((r) => Number(r.id)));
  const moving = rows.filter((r) => !keptIds.has(Number(r.id)));
  if (moving.length === 0) return 0;
  // The message columns came with the plan's read; the delete says only which entries were still there.
  const deleted = await q.query<{ id: number }>(`DELETE FROM queue_entries WHERE id = ANY($1::int8[]) RETURNING id`, [moving.map((r) => Number(r.id))]);
  const gone = new Set(deleted.map((d) => Number(d.id)));
  const removed = moving.filter((r) => gone.has(Number(r.id)));
  const target: { queue: string[]; message: string[]; death: string[] } = { queue: [], message: [], death: [] };
  const event: { message: string[]; queue: string[]; attempt: number[]; detail: string[] } = {
    message: [],
    queue: [],
    attempt: [],
    detail: [],
  };
  for (const r of removed) {
    const entry = byId.get(Number(r.id))!;
    const plan = plans.get(Number(r.id))!;
    const { targets } = plan;
    const death: Death = {
      queue: entry.queue,
      exchange: r.exchange,
      routingKey: r.routing_key,
      reason: p.reason,
      attempts: entry.attempt,
      lastError: entry.lastError,
      diedAt: new Date(r.at).toISOString(),
      ...diedBefore(plan.chain),
    };
    for (const t of targets) {
      target.queue.push(t);
      target.message.push(r.message_id);
      target.death.push(JSON.stringify(death));
    }
    event.message.push(r.message_id);
    event.queue.push(entry.queue);
    event.attempt.push(entry.attempt);
    event.detail.push(
      JSON.stringify({
        reason: p.reason,
        lastError: entry.lastError,
        ...deadLetteredDetail(p.topology, entry.queue, { routingKey: r.routing_key, headers: jsonValue<Record<string, string>>(r.headers) ?? {} }, p.reason, plan),
      }),
    );
  }
  if (target.queue.length > 0) {
    await q.query(
      `INSERT INTO queue_entries (queue, message_id, death)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[]::jsonb[])`,
      [target.queue, target.message, target.death],
    );
    await notifyReady(q, p.node, target.queue);
  }
  await q.query(
    `INSERT INTO events (type, message_id, queue, node, attempt, detail)
     SELECT 'dead_lettered', m, qu, $5, a, d FROM unnest($1::uuid[], $2::text[], $3::int4[], $4::text[]::jsonb[]) AS t(m, qu, a, d)`,
    [event.message, event.queue, event.attempt, event.detail, p.node],
  );
  if (p.onDead) {
    const perQueue = new Map<string, DeadCount>();
    for (const r of removed) countDead(perQueue, byId.get(Number(r.id))!.queue, plans.get(Number(r.id))!.targets);
    for (const [queue, { n, arrivals }] of perQueue) p.onDead(queue, p.reason, n, arrivals);
  }
  // A dead-letter queue's own max length holds for what arrives in it, as the memory tier's does.
  if (target.queue.length > 0) await enforceMaxLength(q, new Set(target.queue), p.topology, p.node, p.log, p.onDead);
  return removed.length;
}

/**
 * Leaves entries that cannot be dead-lettered in their queue, hidden for the queue's visibility
 * timeout (a lease stays, so a spent one goes back to the sweep, which tries again), with a
 * `retry_scheduled` event and a warning naming the reason: never a silent drop.
 */
async function keepEntries(
  q: Sql,
  p: { entries: DyingEntry[]; reason: DeathReason; topology: TopologySnapshot; node: string; log: DeadLetterLog },
  kept: { id: number; messageId: string; otherTier: string[] }[],
): Promise<void> {
  const byId = new Map(p.entries.map((e) => [e.id, e]));
  const delay = kept.map((k) => p.topology.queues.get(byId.get(k.id)!.queue)?.settings.visibilityTimeoutMs ?? 30_000);
  const detail = kept.map((k, i) => {
    const entry = byId.get(k.id)!;
    const why = otherTierReason(entry.queue, k.otherTier);
    p.log.warn({ messageId: k.messageId, queue: entry.queue, otherTier: k.otherTier }, why);
    return JSON.stringify({ delayMs: delay[i], deadLetterKept: true, deathReason: p.reason, lastError: entry.lastError, otherTier: k.otherTier, reason: why });
  });
  await q.query(
    `WITH k AS (SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[]::jsonb[]) AS t(id, delay, detail)),
     u AS (
       UPDATE queue_entries e SET visible_at = now() + k.delay * interval '1 millisecond', last_error = COALESCE(k.detail ->> 'lastError', e.last_error)
       FROM k WHERE e.id = k.id
       RETURNING e.message_id, e.queue, e.attempt, k.detail
     )
     INSERT INTO events (type, message_id, queue, node, attempt, detail) SELECT 'retry_scheduled', message_id, queue, $4, attempt, detail FROM u`,
    [kept.map((k) => k.id), delay, detail, p.node],
  );
}

/**
 * Drop-head, as RabbitMQ does, after a publish, a replay or dead letters added entries: the
 * oldest entries not under a lease leave first, dead-lettered with reason max_length.
 */
export async function enforceMaxLength(q: Sql, queues: Set<string>, topology: TopologySnapshot, node: string, log: DeadLetterLog, onDead?: OnDead): Promise<void> {
  for (const name of queues) {
    const maxLength = topology.queues.get(name)?.settings.maxLength;
    if (!maxLength) continue;
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
      log,
    });
  }
}

