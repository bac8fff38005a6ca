import { jsonValue } from '../../../db/driver';
import { formatReceipt } from '../receipts';
import type { Death, Delivery, StoredMessage } from '../types';

/** The message columns every read selects, in one place. */
export const MESSAGE_COLUMNS = `m.id, m.exchange, m.routing_key, m.headers, m.content_type, m.body, m.correlation_id,
  m.reply_to, m.traceparent, m.tracestate, m.persistent, m.published_at`;

const bytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(0));

export function rowToMessage(r: Record<string, unknown>): StoredMessage {
  return {
    id: String(r.id),
    exchange: String(r.exchange),
    routingKey: String(r.routing_key),
    headers: jsonValue(r.headers) ?? {},
    contentType: String(r.content_type),
    body: bytes(r.body),
    correlationId: String(r.correlation_id),
    replyTo: (r.reply_to as string | null) ?? null,
    traceparent: (r.traceparent as string | null) ?? null,
    tracestate: (r.tracestate as string | null) ?? null,
    persistent: Boolean(r.persistent),
    publishedAt: new Date(r.published_at as string | Date),
  };
}

/** A claimed row (entry columns entry_id, lease, attempt, death, queue + message columns). */
export function rowToDelivery(r: Record<string, unknown>): Delivery {
  return Object.assign(rowToMessage(r), {
    queue: String(r.queue),
    receipt: formatReceipt({ entryId: Number(r.entry_id), lease: String(r.lease) }),
    attempt: Number(r.attempt),
    death: (jsonValue<Death | null>(r.death) ?? null) as Death | null,
  });
}

