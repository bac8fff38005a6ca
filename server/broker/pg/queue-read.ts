import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import type { Death, DepthFigures, StoredMessage } from '../types';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';

export interface QueueDepth extends DepthFigures {
  oldestReadyAgeMs: number | null;
}

/** Depth by state for every durable queue, from the claim index (one grouped scan). */
export async function queueEntryDepths(q: Sql, p: { queues?: string[] } = {}): Promise<Map<string, QueueDepth>> {
  const rows = await q.query<{ queue: string; ready: number; in_flight: number; delayed: number; oldest_ms: number | null }>(
    `SELECT queue,
       count(*) FILTER (WHERE visible_at <= now())::int AS ready,
       count(*) FILTER (WHERE visible_at > now() AND lease IS NOT NULL)::int AS in_flight,
       count(*) FILTER (WHERE visible_at > now() AND lease IS NULL)::int AS delayed,
       (extract(epoch FROM now() - min(enqueued_at) FILTER (WHERE visible_at <= now())) * 1000)::float8 AS oldest_ms
     FROM queue_entries WHERE ($1::text[] IS NULL OR queue = ANY($1::text[])) GROUP BY queue`,
    [p.queues ?? null],
  );
  return new Map(
    rows.map((r) => [
      r.queue,
      { ready: r.ready, inFlight: r.in_flight, delayed: r.delayed, oldestReadyAgeMs: r.oldest_ms == null ? null : Math.round(r.oldest_ms) },
    ]),
  );
}

/** Milliseconds until the queue's next entry becomes visible (delayed, retrying or leased), or null. */
export async function queueEntryNextVisibleMs(q: Sql, p: { queue: string }): Promise<number | null> {
  const rows = await q.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM min(visible_at) - now()) * 1000)::float8 AS ms FROM queue_entries
     WHERE queue = $1 AND visible_at > now()`,
    [p.queue],
  );
  const ms = rows[0]?.ms;
  return ms == null ? null : Math.max(0, Math.ceil(ms));
}

export async function queueEntryPurge(q: Sql, p: { queue: string }): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH d AS (DELETE FROM queue_entries WHERE queue = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
    [p.queue],
  );
  return rows[0]?.n ?? 0;
}

export interface MessageRow extends StoredMessage {
  routedTo: string[];
  entries: { queue: string; state: 'ready' | 'in_flight' | 'delayed'; attempt: number; death: Death | null }[];
}

export async function messageGet(q: Sql, p: { id: string }): Promise<MessageRow | null> {
  const rows = await q.query(`SELECT ${MESSAGE_COLUMNS}, m.routed_to FROM messages m WHERE m.id = $1`, [p.id]);
  if (!rows[0]) return null;
  const entries = await q.query<{ queue: string; state: MessageRow['entries'][number]['state']; attempt: number; death: unknown }>(
    `SELECT queue, attempt, death,
       CASE WHEN visible_at <= now() THEN 'ready' WHEN lease IS NOT NULL THEN 'in_flight' ELSE 'delayed' END AS state
     FROM queue_entries WHERE message_id = $1 ORDER BY id`,
    [p.id],
  );
  return {
    ...rowToMessage(rows[0]),
    routedTo: (rows[0].routed_to as string[]) ?? [],
    entries: entries.map((e) => ({ queue: e.queue, state: e.state, attempt: e.attempt, death: jsonValue(e.death) ?? null })),
  };
}
