import { describe, expect, it } from 'vitest';
import type { QueueInfoView } from '@/server/trpc/schemas';
import { queueView } from './queue-fixtures';
import { DEFAULT_QUEUE_SORT, ariaSort, nextQueueSort, readQueueSort, sortQueues, writeQueueSort } from './queue-sort';

const q = queueView;

const queues = [
  q('shipping', { ready: 5, inFlight: 1, consumers: 2, publishRate: 0.5, oldestReadyAgeMs: 90_000 }),
  q('billing', { ready: 0, inFlight: 3, consumers: 0, deliverRate: 2 }),
  q('audit', { ready: 5, delayed: 4, publishRate: 12, oldestReadyAgeMs: 1_000 }),
  q('inventory', { ready: 120, consumers: 1, oldestReadyAgeMs: 5_000 }),
];
const names = (qs: QueueInfoView[]) => qs.map((x) => x.name);

describe('sortQueues', () => {
  it('keeps the default order: by name, A to Z', () => {
    expect(names(sortQueues(queues, DEFAULT_QUEUE_SORT))).toEqual(['audit', 'billing', 'inventory', 'shipping']);
    expect(names(sortQueues(queues, { column: 'name', dir: 'desc' }))).toEqual(['shipping', 'inventory', 'billing', 'audit']);
  });

  it('sorts by a figure either way, ties by name A to Z in both directions', () => {
    expect(names(sortQueues(queues, { column: 'ready', dir: 'desc' }))).toEqual(['inventory', 'audit', 'shipping', 'billing']);
    expect(names(sortQueues(queues, { column: 'ready', dir: 'asc' }))).toEqual(['billing', 'audit', 'shipping', 'inventory']);
    expect(names(sortQueues(queues, { column: 'inFlight', dir: 'desc' }))).toEqual(['billing', 'shipping', 'audit', 'inventory']);
    expect(names(sortQueues(queues, { column: 'consumers', dir: 'desc' }))).toEqual(['shipping', 'audit', 'inventory', 'billing']);
    expect(names(sortQueues(queues, { column: 'publish', dir: 'desc' }))[0]).toBe('audit');
    expect(names(sortQueues(queues, { column: 'deliver', dir: 'desc' }))[0]).toBe('billing');
    expect(names(sortQueues(queues, { column: 'delayed', dir: 'desc' }))[0]).toBe('audit');
  });

  it('puts queues with no oldest message last when the oldest come first, and first the other way', () => {
    expect(names(sortQueues(queues, { column: 'oldest', dir: 'desc' }))).toEqual(['shipping', 'inventory', 'audit', 'billing']);
    expect(names(sortQueues(queues, { column: 'oldest', dir: 'asc' }))).toEqual(['billing', 'audit', 'inventory', 'shipping']);
  });

  it('does not change the array it was given', () => {
    const copy = [...queues];
    sortQueues(queues, { column: 'ready', dir: 'desc' });
    expect(queues).toEqual(copy);
  });
});

describe('queue sort in the URL', () => {
  const params = (s: string) => new URLSearchParams(s);

  it('reads ?sort=ready&dir=desc, and the default when absent or unknown', () => {
    expect(readQueueSort(params('sort=ready&dir=desc'))).toEqual({ column: 'ready', dir: 'desc' });
    expect(readQueueSort(params('sort=in-flight&dir=asc'))).toEqual({ column: 'inFlight', dir: 'asc' });
    expect(readQueueSort(params(''))).toEqual(DEFAULT_QUEUE_SORT);
    expect(readQueueSort(params('sort=__proto__&dir=desc'))).toEqual(DEFAULT_QUEUE_SORT);
    // A column without a (valid) direction starts where a click would.
    expect(readQueueSort(params('sort=ready'))).toEqual({ column: 'ready', dir: 'desc' });
    expect(readQueueSort(params('sort=name&dir=sideways'))).toEqual({ column: 'name', dir: 'asc' });
  });

  it('writes the order and keeps the other parameters; the default leaves the URL clean', () => {
    expect(writeQueueSort('q=orders&dlqs=0', { column: 'ready', dir: 'desc' })).toBe('q=orders&dlqs=0&sort=ready&dir=desc');
    expect(writeQueueSort('q=orders&sort=ready&dir=desc', DEFAULT_QUEUE_SORT)).toBe('q=orders');
    expect(writeQueueSort('', { column: 'inFlight', dir: 'asc' })).toBe('sort=in-flight&dir=asc');
    expect(readQueueSort(params(writeQueueSort('', { column: 'oldest', dir: 'asc' })))).toEqual({ column: 'oldest', dir: 'asc' });
  });
});

describe('nextQueueSort and ariaSort', () => {
  it('turns the same column around, and starts another at biggest first (names at A to Z)', () => {
    expect(nextQueueSort(DEFAULT_QUEUE_SORT, 'name')).toEqual({ column: 'name', dir: 'desc' });
    expect(nextQueueSort(DEFAULT_QUEUE_SORT, 'ready')).toEqual({ column: 'ready', dir: 'desc' });
    expect(nextQueueSort({ column: 'ready', dir: 'desc' }, 'ready')).toEqual({ column: 'ready', dir: 'asc' });
    expect(nextQueueSort({ column: 'ready', dir: 'asc' }, 'name')).toEqual({ column: 'name', dir: 'asc' });
  });

  it('marks only the sorted column', () => {
    expect(ariaSort({ column: 'ready', dir: 'desc' }, 'ready')).toBe('descending');
    expect(ariaSort({ column: 'ready', dir: 'asc' }, 'ready')).toBe('ascending');
    expect(ariaSort({ column: 'ready', dir: 'asc' }, 'name')).toBe('none');
  });
});
