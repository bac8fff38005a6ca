import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import type { Death, StoredMessage } from '../types';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';

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

export type BrowsedEntry = StoredMessage & { attempt: number; state: 'ready' | 'in_flight' | 'delayed'; death: Death | null };

/** A queue's entries in delivery order, read without leasing them. */
export async function queueEntryBrowse(q: Sql, p: { queue: string; limit: number }): Promise<BrowsedEntry[]> {
  const rows = await q.query(
    `SELECT ${MESSAGE_COLUMNS}, e.attempt, e.death,
       CASE WHEN e.visible_at <= now() THEN 'ready' WHEN e.lease IS NOT NULL THEN 'in_flight' ELSE 'delayed' END AS state
     FROM queue_entries e JOIN messages m ON m.id = e.message_id
     WHERE e.queue = $1 ORDER BY e.visible_at, e.id LIMIT $2`,
    [p.queue, p.limit],
  );
  return rows.map((r) => ({
    ...rowToMessage(r),
    attempt: Number(r.attempt),
    state: r.state as BrowsedEntry['state'],
    death: jsonValue<Death | null>(r.death) ?? null,
  }));
}

/** Deletes the named messages' entries from a queue unless a consumer holds them now. */
export async function queueEntryDiscard(q: Sql, p: { queue: string; ids: string[] }): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH d AS (DELETE FROM queue_entries WHERE queue = $1 AND message_id = ANY($2::uuid[])
       AND NOT (lease IS NOT NULL AND visible_at > now()) RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [p.queue, p.ids],
  );
  return rows[0]?.n ?? 0;
}
