import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Entry counts per queue kept cheap at millions of entries: statement-level triggers on
 * queue_entries append one signed row per statement and queue (no hot row to contend on), and the
 * sweeper folds them together. A queue's total is the sum of its rows.
 */
export const queueDepthDeltas = pgTable('queue_depth_deltas', {
  queue: text('queue').notNull(),
  delta: bigint('delta', { mode: 'number' }).notNull(),
}, (t) => [index('queue_depth_deltas_queue').on(t.queue)]);

/** Depth history for charts: one sample per queue per interval, kept for the retention period. */
export const queueDepthSamples = pgTable(
  'queue_depth_samples',
  {
    queue: text('queue').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    ready: integer('ready').notNull(),
    inFlight: integer('in_flight').notNull(),
    delayed: integer('delayed').notNull(),
    oldestReadyAgeMs: bigint('oldest_ready_age_ms', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.queue, t.at] }), index('queue_depth_samples_at').on(t.at)],
);
