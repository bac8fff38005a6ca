import { jsonb, pgTable, text, uniqueIndex, bigserial } from 'drizzle-orm/pg-core';

/** `signature` is a canonical string of key + header match, so a binding is declared once. */
export const bindings = pgTable(
  'bindings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    exchange: text('exchange').notNull(),
    queue: text('queue').notNull(),
    key: text('key').notNull().default(''),
    headersMatch: text('headers_match'),
    headers: jsonb('headers'),
    signature: text('signature').notNull(),
  },
  (t) => [uniqueIndex('bindings_unique').on(t.exchange, t.queue, t.signature)],
);
