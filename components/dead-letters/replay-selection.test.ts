import { describe, expect, it } from 'vitest';
import type { BrowsedMessage } from '@/server/trpc/schemas';
import { filterRequest, headerLines, liveSelection, matchesFilter, NO_FILTER, parseHeaderLines, previewReplay, reasonCounts } from './replay-selection';

function dead(id: string, routingKey: string, lastError: string | null, reason: 'rejected' | 'max_deliveries' = 'max_deliveries'): BrowsedMessage {
  return {
    id, exchange: 'orders', routingKey, headers: {}, contentType: 'text/plain', body: '', size: 0, truncated: false,
    correlationId: id, replyTo: null, traceparent: null, publishedAt: '2025-01-01T00:00:00.000Z', attempt: 0, state: 'ready',
    death: { queue: 'work', exchange: 'orders', routingKey, reason, attempts: 3, lastError, diedAt: '2025-01-01T00:00:01.000Z' },
  };
}

const list = [dead('a', 'order.created', 'SMTP timeout'), dead('b', 'order.paid', 'smtp refused', 'rejected'), dead('c', 'order.created', null)];

describe('matchesFilter', () => {
  it('matches the routing key exactly and the error case-insensitively', () => {
    expect(list.filter((m) => matchesFilter(m, { routingKey: 'order.created', error: '' })).map((m) => m.id)).toEqual(['a', 'c']);
    expect(list.filter((m) => matchesFilter(m, { routingKey: '', error: 'SMTP' })).map((m) => m.id)).toEqual(['a', 'b']);
    expect(list.filter((m) => matchesFilter(m, { routingKey: 'order', error: '' }))).toEqual([]);
    expect(list.filter((m) => matchesFilter(m, NO_FILTER))).toHaveLength(3);
  });
});

describe('previewReplay', () => {
  it('counts what a replay would move and says when the list is cut', () => {
    expect(previewReplay(list, { routingKey: '', error: 'smtp' }, 3)).toEqual({ matching: 2, lowerBound: false });
    expect(previewReplay(list, { routingKey: '', error: 'smtp' }, 500)).toEqual({ matching: 2, lowerBound: true });
  });
});

describe('filterRequest', () => {
  it('asks for all when nothing narrows, else for the filter', () => {
    expect(filterRequest(NO_FILTER)).toEqual({ all: true });
    expect(filterRequest({ routingKey: ' order.paid ', error: '' })).toEqual({ filter: { routingKey: 'order.paid' } });
  });
});

describe('selection, reasons and headers', () => {
  it('drops selected ids that left the list', () => {
    expect(liveSelection(new Set(['a', 'z']), list)).toEqual(['a']);
  });

  it('counts reasons, most first', () => {
    expect(reasonCounts(list)).toEqual([['max_deliveries', 2], ['rejected', 1]]);
  });

  it('parses and prints header lines', () => {
    expect(parseHeaderLines('Tenant: acme\n\nbad')).toEqual({ headers: { tenant: 'acme' }, errors: ['"bad" is not name: value'] });
    expect(headerLines({ a: '1', b: '2' })).toBe('a: 1\nb: 2');
  });
});
