import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Gateway nodes sharing this database: each registers at start and heartbeats; a node silent for 10 s is dead. */
export const nodes = pgTable('nodes', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  version: text('version').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  stoppedAt: timestamp('stopped_at', { withTimezone: true }),
  /** What the node saw lately (consumers, rates; server/broker/live-figures.ts), written with each heartbeat. */
  live: jsonb('live').notNull().default({}),
});
