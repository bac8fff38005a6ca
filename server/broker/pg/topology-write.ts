import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import { resolveQueueSettings } from '../queue-settings';
import { exchangeTypeMismatch } from '../topology-checks';
import type { Binding, ExchangeType, QueueSettings } from '../types';

/** The topology's rows: written inside a change's transaction (topology.ts), read back by its load. */

export const bindingSignature = (b: Binding) =>
  b.headers
    ? `${b.key}|${b.headers.match}|${JSON.stringify(Object.entries(b.headers.values).sort())}`
    : `${b.key}|`;

/** Inserts an exchange, or finds it; true when it was made. One of another type is refused. */
export async function writeExchange(q: Sql, name: string, type: ExchangeType): Promise<boolean> {
  const rows = await q.query<{ type: string; created: boolean }>(
    `INSERT INTO exchanges (name, type) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
     RETURNING type, (xmax = 0) AS created`,
    [name, type],
  );
  const row = rows[0]!;
  if (row.type !== type) throw exchangeTypeMismatch(name, row.type, type);
  return row.created;
}

/** Upserts a queue with its settings, and makes its `.dlq` if it has none yet; true when the queue was made. */
export async function writeQueue(q: Sql, name: string, settings: QueueSettings, dlq: string | null): Promise<boolean> {
  const made = await upsertQueue(q, name, settings);
  if (dlq) await upsertQueue(q, dlq, resolveQueueSettings(dlq, { durability: settings.durability }), false);
  return made;
}

/**
 * Stores a binding unless it is there already (its signature); true when it was made. The broker
 * gives it with its header names lowercased (lowercaseBindingHeaders); rows stored before that
 * are lowercased at startup (binding-case-fixup.ts).
 */
export async function writeBinding(q: Sql, b: Binding): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO bindings (exchange, queue, key, headers_match, headers, signature)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)
     ON CONFLICT (exchange, queue, signature) DO NOTHING RETURNING id`,
    [b.exchange, b.queue, b.key, b.headers?.match ?? null, b.headers ? JSON.stringify(b.headers.values) : null, bindingSignature(b)],
  );
  return rows.length > 0;
}

/** Deletes a binding (found by its signature); true when one was there. */
export async function deleteBinding(q: Sql, b: Binding): Promise<boolean> {
  const rows = await q.query('DELETE FROM bindings WHERE exchange = $1 AND queue = $2 AND signature = $3 RETURNING id', [b.exchange, b.queue, bindingSignature(b)]);
  return rows.length > 0;
}

async function upsertQueue(q: Sql, name: string, s: QueueSettings, replace = true): Promise<boolean> {
  const rows = await q.query<{ created: boolean }>(
    `INSERT INTO queues (name, durability, max_deliveries, visibility_timeout_ms, retry, dead_letter, message_ttl_ms, max_length)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, $8)
     ON CONFLICT (name) DO UPDATE SET
       max_deliveries = CASE WHEN $9 THEN EXCLUDED.max_deliveries ELSE queues.max_deliveries END,
       visibility_timeout_ms = CASE WHEN $9 THEN EXCLUDED.visibility_timeout_ms ELSE queues.visibility_timeout_ms END,
       retry = CASE WHEN $9 THEN EXCLUDED.retry ELSE queues.retry END,
       dead_letter = CASE WHEN $9 THEN EXCLUDED.dead_letter ELSE queues.dead_letter END,
       message_ttl_ms = CASE WHEN $9 THEN EXCLUDED.message_ttl_ms ELSE queues.message_ttl_ms END,
       max_length = CASE WHEN $9 THEN EXCLUDED.max_length ELSE queues.max_length END
     RETURNING (xmax = 0) AS created`,
    [name, s.durability, s.maxDeliveries, s.visibilityTimeoutMs, JSON.stringify(s.retry), JSON.stringify(s.deadLetter), s.messageTtlMs, s.maxLength, replace],
  );
  return rows[0]!.created;
}

export function rowSettings(r: Record<string, unknown>): QueueSettings {
  return {
    durability: r.durability as QueueSettings['durability'],
    maxDeliveries: Number(r.max_deliveries),
    visibilityTimeoutMs: Number(r.visibility_timeout_ms),
    retry: jsonValue(r.retry),
    deadLetter: jsonValue(r.dead_letter) ?? false,
    messageTtlMs: r.message_ttl_ms == null ? null : Number(r.message_ttl_ms),
    maxLength: r.max_length == null ? null : Number(r.max_length),
  };
}
