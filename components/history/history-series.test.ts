import { describe, expect, it } from 'vitest';
import { bucketTooltip, historySeries, historyWindow, keyLegendRank, OTHER_KEY, replayTargets } from './history-series';

const iso = (min: number) => new Date(Date.UTC(2025, 0, 1, 0, min)).toISOString();

describe('historyWindow', () => {
  it('aligns the start to a bucket edge', () => {
    const now = Date.UTC(2025, 0, 1, 12, 34, 56);
    expect(historyWindow('hour', now)).toEqual({ from: '2025-01-01T11:34:00.000Z', to: '2025-01-01T12:34:56.000Z', bucket: '1m' });
    expect(historyWindow('day', now).bucket).toBe('15m');
    expect(historyWindow('week', now).from).toBe('2024-12-25T12:00:00.000Z');
  });
});

describe('historySeries', () => {
  const window = { from: iso(0), to: iso(4), bucket: '1m' as const };

  it('fills every bucket and pivots routing keys to columns', () => {
    const s = historySeries(
      [
        { at: iso(1), routingKey: 'order.created', count: 3 },
        { at: iso(1), routingKey: 'order.paid', count: 1 },
        { at: iso(3), routingKey: 'order.created', count: 2 },
      ],
      window,
    );
    expect(s.keys).toEqual(['order.created', 'order.paid']);
    expect(s.rows.map((r) => r['order.created'])).toEqual([0, 3, 0, 2, 0]);
    expect(s.rows.map((r) => r['order.paid'])).toEqual([0, 1, 0, 0, 0]);
    expect(s.total).toBe(6);
    expect(s.bucketMs).toBe(60_000);
  });

  it('folds quiet keys into other', () => {
    const buckets = ['a', 'b', 'c', 'd'].map((k, i) => ({ at: iso(0), routingKey: k, count: 10 - i }));
    const s = historySeries(buckets, window, 3);
    expect(s.keys).toEqual(['a', 'b', OTHER_KEY]);
    expect(s.rows[0]).toMatchObject({ a: 10, b: 9, [OTHER_KEY]: 15 });
  });

  it('names the empty routing key', () => {
    expect(historySeries([{ at: iso(0), routingKey: '', count: 1 }], window).keys).toEqual(['(empty key)']);
  });
});

describe('replayTargets', () => {
  const q = (name: string, durability = 'durable') => ({ name, settings: { durability } });

  it('offers ordinary stored queues only: no DLQs, no amq.* reply queues, no memory queues', () => {
    const offered = replayTargets([q('payments'), q('payments.dlq'), q('amq.reply.vm:3941'), q('cache', 'memory'), q('audit', 'replicated'), q('no-dlq')]);
    expect(offered).toEqual(['audit', 'no-dlq', 'payments']);
  });
});

describe('keyLegendRank', () => {
  it("orders a tooltip's items as the legend lists the keys, unknown ones last", () => {
    const rank = keyLegendRank(['order.paid', 'order.created', 'other']);
    const items = [{ dataKey: 'other' }, { dataKey: 'order.created' }, { dataKey: 'nope' }, { dataKey: 'order.paid' }];
    expect([...items].sort((a, b) => rank(a) - rank(b)).map((i) => i.dataKey)).toEqual(['order.paid', 'order.created', 'other', 'nope']);
  });
});

describe('bucketTooltip', () => {
  const keys = ['order.completed', 'order.refunded', 'order.cancelled'];

  it('lists only the keys with messages in the bucket, in legend order', () => {
    const row = { t: 0, 'order.completed': 147, 'order.refunded': 0, 'order.cancelled': 2 };
    expect(bucketTooltip(row, keys)).toEqual([
      { key: 'order.completed', index: 0, count: 147 },
      { key: 'order.cancelled', index: 2, count: 2 },
    ]);
  });

  it('lists nothing for a quiet bucket, so the tooltip can say so', () => {
    expect(bucketTooltip({ t: 0, 'order.completed': 0, 'order.refunded': 0, 'order.cancelled': 0 }, keys)).toEqual([]);
    expect(bucketTooltip(undefined, keys)).toEqual([]);
  });
});
