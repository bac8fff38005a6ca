import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../broker/types';
import { bodyBytes, deathView, iso, messageView } from './views';

const message: StoredMessage = {
  id: '0190-a',
  exchange: 'orders',
  routingKey: 'order.completed',
  headers: { tenant: 'acme' },
  contentType: 'application/json',
  body: new TextEncoder().encode('{"orderId":42}'),
  correlationId: 'c-1',
  replyTo: null,
  traceparent: null,
  tracestate: null,
  persistent: true,
  publishedAt: new Date('2025-01-02T03:04:05.000Z'),
};

describe('messageView', () => {
  it('carries the body as base64 and dates as ISO strings', () => {
    const v = messageView(message);
    expect(Buffer.from(v.body, 'base64').toString()).toBe('{"orderId":42}');
    expect(v.size).toBe(14);
    expect(v.truncated).toBe(false);
    expect(v.publishedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('cuts large bodies and says so', () => {
    const v = messageView({ ...message, body: new Uint8Array(100) }, 10);
    expect(Buffer.from(v.body, 'base64').byteLength).toBe(10);
    expect(v.size).toBe(100);
    expect(v.truncated).toBe(true);
  });
});

describe('deathView and iso', () => {
  it('normalises dates from JSON columns', () => {
    const d = deathView({ queue: 'q', exchange: 'x', routingKey: 'k', reason: 'rejected', attempts: 1, lastError: null, diedAt: '2025-01-02T03:04:05Z' });
    expect(d?.diedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(deathView(null)).toBeNull();
    expect(iso('not a date')).toBe('not a date');
  });
});

describe('bodyBytes', () => {
  it('encodes text as UTF-8 and decodes base64', () => {
    expect(Array.from(bodyBytes({ text: 'é' }))).toEqual([0xc3, 0xa9]);
    expect(Array.from(bodyBytes({ base64: 'AAEC' }))).toEqual([0, 1, 2]);
  });
});
