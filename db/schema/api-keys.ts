import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** API keys: only the SHA-256 of a key is kept; the key itself is shown once, when it is made. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** A JSON array of scope strings (`publish:orders*`, `manage`, …). */
  scopes: jsonb('scopes').notNull(),
  hash: text('hash').notNull().unique(),
  /** The key's first characters, to tell keys apart in lists. */
  prefix: text('prefix').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** When a request last used it; written at most once a minute per key and node. */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});
