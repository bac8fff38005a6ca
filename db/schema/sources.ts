import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Inbound webhook sources: what `POST /v1/hooks/{name}` verifies and where it publishes.
 * `verify` holds `{scheme, secrets, header?, timestampToleranceS?}`; `routing_key` where the key comes from.
 */
export const sources = pgTable('sources', {
  name: text('name').primaryKey(),
  exchange: text('exchange').notNull(),
  verify: jsonb('verify').notNull(),
  routingKey: jsonb('routing_key'),
  /** `{perSecond, burst}` overriding HATOBA_SOURCE_RATE_LIMIT for this source; null: the default. */
  rateLimit: jsonb('rate_limit'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
