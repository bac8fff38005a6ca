import { describe, expect, it } from 'vitest';
import type { BrowsedMessage } from '@/server/trpc/schemas';
import { filterRequest, headerLines, liveSelection, NO_FILTER, parseHeaderLines, previewedRequest } from './replay-selection';

function dead(id: string, routingKey: string, lastError: string | null, reason: 'rejected' | 'max_deliveries' = 'max_deliveries'): BrowsedMessage {
  return {
    id, exchange: 'orders', routingKey, headers: {}, contentType: 'text/plain', body: '', size: 0, truncated: false,
    correlationId: id, replyTo: null, traceparent: null, publishedAt: '2025-01-01T00:00:00.000Z', attempt: 0, state: 'ready',
    death: { queue: 'work', exchange: 'orders', routingKey, reason, attempts: 3, lastError, diedAt: '2025-01-01T00:00:01.000Z' },
  };
}

const list = [dead('a', 'order.created', 'SMTP timeout'), dead('b', 'order.paid', 'smtp refused', 'rejected'), dead('c', 'order.created', null)];

describe('filterRequest', () => {
  it('asks for all when nothing narrows, else for the filter', () => {
    expect(filterRequest(NO_FILTER)).toEqual({ all: true });
    expect(filterRequest({ routingKey: ' order.paid ', error: '' })).toEqual({ filter: { routingKey: 'order.paid' } });
    expect(filterRequest({ routingKey: '', error: ' SMTP ' })).toEqual({ filter: { error: 'SMTP' } });
  });
});

describe('previewedRequest', () => {
  it('bounds the filter, and all, by the time the preview was read', () => {
    const at = '2026-11-30T04:00:00.123Z';
    expect(previewedRequest(NO_FILTER, at)).toEqual({ all: true, filter: { arrivedBy: at } });
    expect(previewedRequest({ routingKey: ' order.paid ', error: ' SMTP ' }, at)).toEqual({ filter: { routingKey: 'order.paid', error: 'SMTP', arrivedBy: at } });
  });
});

describe('selection and headers', () => {
  it('drops selected ids that left the list', () => {
    expect(liveSelection(new Set(['a', 'z']), list)).toEqual(['a']);
  });

  it('parses and prints header lines', () => {
    expect(parseHeaderLines('Tenant: acme\n\nbad')).toEqual({ headers: { tenant: 'acme' }, errors: ['"bad" is not name: value'] });
    expect(headerLines({ a: '1', b: '2' })).toBe('a: 1\nb: 2');
  });

  it('refuses a header named twice (names are case-insensitive) rather than keep only the last value', () => {
    expect(parseHeaderLines('tenant: acme\nTenant: globex')).toEqual({ headers: { tenant: 'acme' }, errors: ['"tenant" is given twice: keep one line for it'] });
  });

  it('refuses the name __proto__, which an assignment would drop unseen', () => {
    expect(parseHeaderLines('__proto__: x')).toEqual({ headers: {}, errors: ['"__proto__" is a reserved name'] });
  });
});
