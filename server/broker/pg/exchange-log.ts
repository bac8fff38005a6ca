import type { Sql } from '../../../db/driver';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';
import type { StoredMessage } from '../types';

/**
 * Serialises the message inserts of the whole cluster from the insert to the commit, so that
 * `seq` order is commit order: a reader following `seq > after` never skips a late commit
 * (see DESIGN.md, traps). Group commit makes this one lock per batch, not per message.
 */
export const LOG_ORDER_LOCK = 0x48617462;

export interface LoggedMessage extends StoredMessage {
  seq: number;
  /** The message this one is a replayed copy of (exchange or dead-letter replay), else null. */
  replayOf: string | null;
}

const logged = (r: Record<string, unknown>): LoggedMessage => ({
  ...rowToMessage(r),
  seq: Number(r.seq),
  replayOf: (r.replay_of as string | null) ?? null,
});

/** An exchange's messages in commit order after `after` (exclusive); `nextAfter` continues. */
export async function exchangeLogRead(
  q: Sql,
  p: { exchange: string; after: number; limit: number; routingKey?: string },
): Promise<{ messages: LoggedMessage[]; nextAfter: number }> {
  const rows = await q.query(
    `SELECT ${MESSAGE_COLUMNS}, m.seq, m.replay_of FROM messages m
     WHERE m.exchange = $1 AND m.seq > $2 AND ($3::text IS NULL OR m.routing_key = $3)
     ORDER BY m.seq LIMIT $4`,
    [p.exchange, p.after, p.routingKey ?? null, p.limit],
  );
  const messages = rows.map(logged);
  const last = messages.length > 0 ? messages[messages.length - 1]!.seq : p.after;
  if (p.routingKey === undefined || messages.length === p.limit) return { messages, nextAfter: last };
  // Filtered by key, and the page not full: every message of the exchange up to now was looked
  // at, so a follower goes on from the exchange's last seq, not from its last match (it would
  // scan the same non-matching messages on every poll). Safe: seq order is commit order.
  const [top] = await q.query<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM messages WHERE exchange = $1 AND seq > $2', [p.exchange, last]);
  return { messages, nextAfter: top?.seq == null ? last : Number(top.seq) };
}

export type Bucket = '1m' | '5m' | '15m' | '1h' | '6h' | '1d';
export const BUCKET_SECONDS: Record<Bucket, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '6h': 21_600, '1d': 86_400 };

export interface HistoryBucket {
  at: Date;
  routingKey: string | null;
  count: number;
  bytes: number;
}

/** Message volume over time, from the per-minute counts written with each publish batch. */
export async function exchangeHistoryRead(
  q: Sql,
  p: { exchange: string; from: Date; to: Date; bucket: Bucket; groupByRoutingKey: boolean },
): Promise<HistoryBucket[]> {
  const rows = await q.query<{ at: Date; routing_key: string | null; count: string | number; bytes: string | number }>(
    `SELECT to_timestamp(floor(extract(epoch FROM minute) / $4) * $4) AS at,
       CASE WHEN $5 THEN routing_key END AS routing_key, sum(count)::int8 AS count, sum(bytes)::int8 AS bytes
     FROM message_counts
     WHERE exchange = $1 AND minute >= date_trunc('minute', $2::timestamptz) AND minute <= $3
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [p.exchange, p.from, p.to, BUCKET_SECONDS[p.bucket], p.groupByRoutingKey],
  );
  return rows.map((r) => ({ at: new Date(r.at), routingKey: r.routing_key, count: Number(r.count), bytes: Number(r.bytes) }));
}

/**
 * Reads stored messages of an exchange in a time range, in commit order, a page at a time. `to` is
 * inclusive to the end of its millisecond: clients see timestamps in ms, the store keeps µs.
 */
export async function exchangeRangeRead(
  q: Sql,
  p: { exchange: string; from: Date; to: Date; routingKey?: string; after: number; limit: number },
): Promise<LoggedMessage[]> {
  const rows = await q.query(
    `SELECT ${MESSAGE_COLUMNS}, m.seq, m.replay_of FROM messages m
     WHERE m.exchange = $1 AND m.published_at >= $2 AND m.published_at < $3::timestamptz + interval '1 millisecond'
       AND m.seq > $4 AND ($5::text IS NULL OR m.routing_key = $5)
     ORDER BY m.seq LIMIT $6`,
    [p.exchange, p.from, p.to, p.after, p.routingKey ?? null, p.limit],
  );
  return rows.map(logged);
}
