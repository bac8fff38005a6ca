import type { Sql } from '../../../db/driver';
import { BrokerError } from '../errors';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';
import type { StoredMessage } from '../types';

export interface MessageQuery {
  id?: string;
  correlationId?: string;
  exchange?: string;
  routingKey?: string;
  queue?: string;
  /** name → value, all must match */
  headers?: Record<string, string>;
  from?: Date;
  to?: Date;
  limit: number;
  /** The id of the last message of the previous page (ids are UUIDv7: time-ordered). */
  cursor?: string;
}

export interface FoundMessage extends StoredMessage {
  routedTo: string[];
  seq: number;
}

/** The search statement; its parameters come from messageSearchParams. Exported for the plan test (index-use.test.ts). */
export const MESSAGE_SEARCH_SQL = `SELECT ${MESSAGE_COLUMNS}, m.routed_to, m.seq FROM messages m
   WHERE ($1::uuid IS NULL OR m.id = $1)
     AND ($2::text IS NULL OR m.correlation_id = $2)
     AND ($3::text IS NULL OR m.exchange = $3)
     AND ($4::text IS NULL OR m.routing_key = $4)
     AND ($5::text IS NULL OR m.routed_to @> ARRAY[$5::text])
     AND ($6::text IS NULL OR (m.headers @> $6::text::jsonb AND m.headers <> '{}'::jsonb))
     AND ($7::timestamptz IS NULL OR m.published_at >= $7)
     AND ($8::timestamptz IS NULL OR m.published_at < $8::timestamptz + interval '1 millisecond')
     AND ($9::uuid IS NULL OR m.id < $9)
   ORDER BY m.id DESC
   LIMIT $10`;

export function messageSearchParams(p: MessageQuery): unknown[] {
  return [
    p.id ?? null,
    p.correlationId ?? null,
    p.exchange ?? null,
    p.routingKey ?? null,
    p.queue ?? null,
    p.headers && Object.keys(p.headers).length > 0 ? JSON.stringify(p.headers) : null,
    p.from ?? null,
    p.to ?? null,
    p.cursor ?? null,
    p.limit + 1,
  ];
}

/**
 * Message search, newest first, keyset-paginated by id (UUIDv7, so id order is time order):
 * each filter has an index (correlation, exchange+seq, published_at, GIN on headers and routed_to).
 * The headers index is partial (messages that have headers): the filter repeats its predicate,
 * which a match implies, so the planner can use it.
 * `to` is inclusive to the end of its millisecond (timestamps reach clients in ms, the store keeps µs).
 * `from` after `to` is 400 validation_failed.
 */
export async function messageSearch(q: Sql, p: MessageQuery): Promise<{ messages: FoundMessage[]; nextCursor: string | null }> {
  // A range that runs backwards matches nothing: refused, as replay and history refuse it, rather than an empty page.
  if (p.from && p.to && p.from.getTime() > p.to.getTime()) {
    throw new BrokerError('validation_failed', 'from must be a time before to', { from: p.from.toISOString(), to: p.to.toISOString() });
  }
  const rows = await q.query(MESSAGE_SEARCH_SQL, messageSearchParams(p));
  const page = rows.slice(0, p.limit).map((r) => ({ ...rowToMessage(r), routedTo: (r.routed_to as string[]) ?? [], seq: Number(r.seq) }));
  return { messages: page, nextCursor: rows.length > p.limit ? page[page.length - 1]!.id : null };
}
