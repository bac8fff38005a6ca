import { sql } from 'drizzle-orm';
import { bigserial, boolean, customType, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array }>({ dataType: () => 'bytea' });

/** The append-only message store: one row per published message, kept for the retention period. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    exchange: text('exchange').notNull(),
    routingKey: text('routing_key').notNull(),
    headers: jsonb('headers').notNull().default(sql`'{}'::jsonb`),
    contentType: text('content_type').notNull(),
    body: bytea('body').notNull(),
    correlationId: text('correlation_id').notNull(),
    replyTo: text('reply_to'),
    idempotencyKey: text('idempotency_key'),
    traceparent: text('traceparent'),
    tracestate: text('tracestate'),
    persistent: boolean('persistent').notNull().default(true),
    routedTo: text('routed_to').array().notNull(),
    replayOf: uuid('replay_of'),
    /** The gateway node that accepted the publish (null for rows written before it was recorded). */
    node: text('node'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('messages_correlation').on(t.correlationId),
    index('messages_exchange_seq').on(t.exchange, t.seq),
    index('messages_published_at').on(t.publishedAt),
    // search by header value (headers @> '{"tenant":"acme"}') and by queue (routed_to @> '{orders}').
    // Partial: most messages carry no headers, and a GIN insert for an empty object is WAL and
    // CPU spent on every publish for an entry no search can match (message-search.ts repeats the predicate).
    index('messages_headers').using('gin', sql`${t.headers} jsonb_path_ops`).where(sql`headers <> '{}'::jsonb`),
    index('messages_routed_to').using('gin', t.routedTo),
  ],
);
