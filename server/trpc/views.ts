import type { Death, StoredMessage } from '../broker/types';
import type { DeathView, MessageView } from './schemas';

/** Bodies larger than this reach the browser cut, with `truncated` set: a console shows, it does not download. */
export const BODY_LIMIT = 256 * 1024;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function messageView(m: StoredMessage, bodyLimit = BODY_LIMIT): MessageView {
  const cut = m.body.byteLength > bodyLimit;
  return {
    id: m.id,
    exchange: m.exchange,
    routingKey: m.routingKey,
    headers: m.headers,
    contentType: m.contentType,
    body: toBase64(cut ? m.body.subarray(0, bodyLimit) : m.body),
    size: m.body.byteLength,
    truncated: cut,
    correlationId: m.correlationId,
    replyTo: m.replyTo,
    traceparent: m.traceparent,
    publishedAt: iso(m.publishedAt),
  };
}

export function deathView(d: Death | null): DeathView | null {
  return d ? { ...d, diedAt: iso(d.diedAt) } : null;
}

/** Dates may arrive as Date or as a string (JSON columns); both leave as ISO strings. */
export function iso(at: Date | string): string {
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : d.toISOString();
}

/** What the browser sent as a body, as the bytes the broker stores. */
export function bodyBytes(input: { text?: string; base64?: string }): Uint8Array {
  if (input.base64 !== undefined) return new Uint8Array(Buffer.from(input.base64, 'base64'));
  return new Uint8Array(Buffer.from(input.text ?? '', 'utf8'));
}
