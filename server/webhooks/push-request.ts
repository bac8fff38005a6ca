/**
 * One push delivery as HTTP: the signed request a delivery becomes, and what the receiver's
 * answer means for its lease (push.ts runs the loops that send them).
 */
import type { Delivery } from '../broker/types';
import { headerBytes } from '../gateway/header-text';
import { retryAfterMs, type SendResult } from './push-send';
import { signStandard } from './verify';

const MAX_RETRY_AFTER_MS = 3600_000;

/** The request a delivery becomes: the body as stored, signed, with its metadata in headers. */
export function pushRequestHeaders(d: Delivery, secret: string, userAgent: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {
    'content-type': headerBytes('content-type', d.contentType) ?? 'application/octet-stream',
    'user-agent': userAgent,
    'webhook-id': d.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandard(secret, d.id, timestamp, d.body),
    'hatoba-exchange': d.exchange,
    'hatoba-queue': d.queue,
    'hatoba-attempt': String(d.attempt),
  };
  // Free text (routing keys, correlation IDs, application headers) goes as UTF-8; a value no
  // header can carry (control characters) stays in the message only.
  const text = (name: string, value: string) => {
    const bytes = headerBytes(name, value);
    if (bytes !== undefined) headers[name] = bytes;
  };
  text('hatoba-correlation-id', d.correlationId);
  text('hatoba-routing-key', d.routingKey);
  if (d.replyTo) text('hatoba-reply-to', d.replyTo);
  if (d.traceparent) text('traceparent', d.traceparent);
  if (d.tracestate) text('tracestate', d.tracestate);
  for (const [name, value] of Object.entries(d.headers)) text(`hatoba-header-${name}`, value);
  return headers;
}

/** What a delivery's result means for its lease. */
export function settle(result: SendResult): { ack: true } | { gone: true } | { ack: false; error: string; delayMs?: number } {
  if (result.kind !== 'response') return { ack: false, error: result.kind === 'forbidden' ? `push_target_forbidden: ${result.message}` : result.message };
  const { status } = result;
  if (status >= 200 && status < 300) return { ack: true };
  // "Stop pushing", not "this message failed": the lease goes back with its attempt.
  if (status === 410) return { gone: true };
  const snippet = result.body.slice(0, 200);
  if (status >= 300 && status < 400) {
    return { ack: false, error: `HTTP ${status}: redirect to ${String(result.headers.location ?? '?').slice(0, 200)} not followed` };
  }
  const after = status === 429 || status === 503 ? retryAfterMs(result.headers['retry-after']) : undefined;
  return {
    ack: false,
    error: `HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
    ...(after !== undefined ? { delayMs: Math.min(after, MAX_RETRY_AFTER_MS) } : {}),
  };
}
