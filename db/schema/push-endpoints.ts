import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { queues } from './queues';

/** Push delivery: one endpoint per queue that the gateway POSTs each message to; gone with its queue. */
export const pushEndpoints = pgTable('push_endpoints', {
  queue: text('queue')
    .primaryKey()
    .references(() => queues.name, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  /** `whsec_…`: the gateway signs with it, so it is kept (not hashed). */
  secret: text('secret').notNull(),
  concurrency: integer('concurrency').notNull(),
  timeoutMs: integer('timeout_ms').notNull(),
  /** `active` | `disabled` (the receiver answered 410 Gone). */
  status: text('status').notNull().default('active'),
  disabledReason: text('disabled_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
