import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import { BrokerError } from '../errors';
import type { Death } from '../types';
import type { BrowsedEntry } from './queue-read';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';

/** One page of a dead-letter queue, for the console: rows, and figures over the whole queue. */
export interface DeadLetterPageQuery {
  /** newest: the latest to arrive in the DLQ first; oldest: the first to arrive first. */
  order: 'newest' | 'oldest';
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** The rules of `replay({filter})`: routing key exact, last error a case-insensitive substring. */
  filter?: { routingKey?: string; error?: string };
}

export interface DeadLetterPage {
  entries: BrowsedEntry[];
  nextCursor: string | null;
  /** Every entry of the queue, counted by death reason and origin queue (null: not a dead letter). */
  counts: { reason: string; origin: string | null; count: number }[];
  /** Entries a replay with this filter (or `all`) would move now: matching, and not held by a consumer. */
  matching: number;
  /**
   * When `matching` was counted (ISO 8601, milliseconds, the database's clock on this tier): sent
   * back as a replay's `filter.arrivedBy`, the replay leaves dead letters that arrived later.
   */
  readAt: string;
}

/**
 * The cursor of the durable tier: the last row's place in arrival order (enqueued_at, id), exact
 * to the microsecond. It goes back as text: a timestamptz parameter would pass through a JS Date (ms).
 */
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)~(\d+)$/;

/**
 * A DLQ's entries a page at a time, in the order they arrived there (enqueued_at, id: a dead
 * letter's entry is written when it dies), keyset-paginated. Not the claim order (visible_at): a
 * lease, a nack or a lease that ran out moves that. The counts over the whole queue come first
 * (one grouped scan of its entries); when every entry is a dead letter, as is usual, the page
 * walks the dead letters' arrival index (queue_entries_dead_arrival) and stops at the page's end.
 * A message published straight into the DLQ has no death and is not in that index: while the
 * queue holds one, the page sorts the queue's entries instead.
 */
export async function deadLetterPageRead(q: Sql, p: DeadLetterPageQuery & { queue: string }): Promise<DeadLetterPage> {
  const c = p.cursor ? CURSOR.exec(p.cursor) : null;
  if (p.cursor && !c) throw badCursor();
  const f = p.filter ?? {};
  // One row even for an empty queue: the time of the count's own read comes with it (read_at).
  const read = await q.query<{ reason: string | null; origin: string | null; n: number | null; matching: number | null; alive: number | null; read_at: string }>(
    `SELECT c.*, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS read_at
     FROM (SELECT 1) AS one LEFT JOIN (
       SELECT coalesce(e.death->>'reason', 'unknown') AS reason, e.death->>'queue' AS origin, count(*)::int AS n,
         count(*) FILTER (WHERE e.death IS NULL)::int AS alive,
         count(*) FILTER (WHERE NOT (e.lease IS NOT NULL AND e.visible_at > now())
           AND ($2::text IS NULL OR m.routing_key = $2)
           AND ($3::text IS NULL OR strpos(lower(e.death->>'lastError'), lower($3)) > 0))::int AS matching
       FROM queue_entries e LEFT JOIN messages m ON $2::text IS NOT NULL AND m.id = e.message_id
       WHERE e.queue = $1
       GROUP BY 1, 2
     ) AS c ON true`,
    [p.queue, f.routingKey || null, f.error || null],
  );
  const allDead = read.every((r) => !r.alive);
  const dir = p.order === 'newest' ? 'DESC' : 'ASC';
  // Written out, not a parameter: the planner takes the partial index only for a literal predicate.
  const rows = await q.query(
    `SELECT ${MESSAGE_COLUMNS}, e.id AS entry_id, e.attempt, e.death,
       to_char(e.enqueued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
       CASE WHEN e.visible_at <= now() THEN 'ready' WHEN e.lease IS NOT NULL THEN 'in_flight' ELSE 'delayed' END AS state
     FROM queue_entries e JOIN messages m ON m.id = e.message_id
     WHERE e.queue = $1 ${allDead ? 'AND e.death IS NOT NULL' : ''}
       AND ($2::text IS NULL OR (e.enqueued_at, e.id) ${dir === 'DESC' ? '<' : '>'} ($2::text::timestamptz, $3::text::int8))
       AND ($4::text IS NULL OR m.routing_key = $4)
       AND ($5::text IS NULL OR strpos(lower(e.death->>'lastError'), lower($5)) > 0)
     ORDER BY e.enqueued_at ${dir}, e.id ${dir}
     LIMIT $6`,
    [p.queue, c?.[1] ?? null, c?.[2] ?? null, f.routingKey || null, f.error || null, p.limit + 1],
  );
  const page = rows.slice(0, p.limit);
  const last = page[page.length - 1];
  const counts = read.filter((r): r is typeof r & { reason: string } => r.reason !== null);
  return {
    entries: page.map((r) => ({
      ...rowToMessage(r),
      attempt: Number(r.attempt),
      state: r.state as BrowsedEntry['state'],
      death: jsonValue<Death | null>(r.death) ?? null,
    })),
    nextCursor: rows.length > p.limit && last ? `${String(last.at)}~${String(last.entry_id)}` : null,
    counts: sortCounts(counts.map((r) => ({ reason: r.reason, origin: r.origin ?? null, count: Number(r.n) }))),
    matching: counts.reduce((n, r) => n + Number(r.matching), 0),
    readAt: String(read[0]!.read_at),
  };
}

export const badCursor = () => new BrokerError('validation_failed', 'cursor is not one this API returned', {});

export const sortCounts = <T extends { reason: string; origin: string | null; count: number }>(rows: T[]) =>
  rows.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || (a.origin ?? '').localeCompare(b.origin ?? ''));
