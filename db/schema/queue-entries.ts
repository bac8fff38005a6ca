import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per message per queue. The state is derived, never stored:
 * ready = visible_at <= now; in flight = lease set and visible_at > now; delayed = no lease and
 * visible_at > now. A lease whose visible_at has passed is expired: the entry is ready again.
 */
export const queueEntries = pgTable(
  'queue_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    messageId: uuid('message_id').notNull(),
    visibleAt: timestamp('visible_at', { withTimezone: true }).notNull().defaultNow(),
    attempt: integer('attempt').notNull().default(0),
    lease: uuid('lease'),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    death: jsonb('death'),
  },
  (t) => [
    index('queue_entries_claim').on(t.queue, t.visibleAt, t.id),
    index('queue_entries_message').on(t.messageId),
    // The in-flight set is small: lets the sweeper find expired leases without reading ready entries.
    index('queue_entries_leased').on(t.queue, t.visibleAt).where(sql`lease IS NOT NULL`),
    // Dead letters in the order they arrived in their DLQ (the console's dead-letter page): a
    // lease moves visible_at, not this. Only dead letters carry it, so a publish pays nothing.
    index('queue_entries_dead_arrival').on(t.queue, t.enqueuedAt, t.id).where(sql`death IS NOT NULL`),
  ],
);
