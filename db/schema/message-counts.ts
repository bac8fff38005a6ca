import { bigint, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Message volume per exchange, routing key and minute, added to in each publish batch: history reads these, never the store. */
export const messageCounts = pgTable(
  'message_counts',
  {
    exchange: text('exchange').notNull(),
    routingKey: text('routing_key').notNull(),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.exchange, t.routingKey, t.minute] })],
);
