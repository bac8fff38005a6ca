import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Queue settings; `retry` and `dead_letter` hold the JSON of API.md's queue declaration. */
export const queues = pgTable('queues', {
  name: text('name').primaryKey(),
  durability: text('durability').notNull(),
  maxDeliveries: integer('max_deliveries').notNull(),
  visibilityTimeoutMs: integer('visibility_timeout_ms').notNull(),
  retry: jsonb('retry').notNull(),
  deadLetter: jsonb('dead_letter'),
  messageTtlMs: integer('message_ttl_ms'),
  maxLength: integer('max_length'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
