import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Dashboard login sessions; the cookie holds a random token, the table its SHA-256. Logout deletes the row. */
export const sessions = pgTable('sessions', {
  hash: text('hash').primaryKey(),
  actor: text('actor').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
