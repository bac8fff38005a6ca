import type { MessageDetail } from '../broker/api';
import type { Delivery, StoredMessage } from '../broker/types';
import { encodeBody } from './bodies';

/** A stored message as the API shows it (body encoded for JSON). */
export function messageView(m: StoredMessage) {
  return {
    id: m.id,
    exchange: m.exchange,
    routingKey: m.routingKey,
    headers: m.headers,
    correlationId: m.correlationId,
    replyTo: m.replyTo,
    contentType: m.contentType,
    ...encodeBody(m.body, m.contentType),
    traceparent: m.traceparent,
    tracestate: m.tracestate,
    publishedAt: m.publishedAt.toISOString(),
  };
}

export const deliveryView = (d: Delivery) => ({ ...messageView(d), receipt: d.receipt, attempt: d.attempt, death: d.death });

export const messageDetailView = (m: MessageDetail) => ({
  ...messageView(m),
  routedTo: m.routedTo,
  death: m.entries.find((e) => e.death)?.death ?? null,
  entries: m.entries,
});
