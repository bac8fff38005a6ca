import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Lifecycle events after publish (delivered, acked, nacked, dead_lettered, ...); traces read them. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    type: text('type').notNull(),
    messageId: uuid('message_id').notNull(),
    queue: text('queue'),
    node: text('node').notNull(),
    attempt: integer('attempt'),
    detail: jsonb('detail'),
  },
  (t) => [
    index('events_message').on(t.messageId, t.id),
    // Only retention reads by time (at < cutoff), and rows arrive in about time order: a BRIN
    // index serves that for a fraction of a B-tree's upkeep on each of the two or more events a
    // consumed message writes.
    index('events_at').using('brin', t.at),
  ],
);
