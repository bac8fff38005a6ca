import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const exchanges = pgTable('exchanges', {
  name: text('name').primaryKey(),
  type: text('type').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
