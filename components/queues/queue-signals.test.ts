import { describe, expect, it } from 'vitest';
import type { QueueInfoView } from '@/server/trpc/schemas';
import { isGrowing, pushTrend, queueSignals, queueTotals, queuesNeedingAttention } from './queue-signals';

const settings: QueueInfoView['settings'] = {
  durability: 'durable',
  maxDeliveries: 5,
  visibilityTimeoutMs: 30_000,
  retry: { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 },
  deadLetter: {},
  messageTtlMs: null,
  maxLength: null,
};

function q(name: string, over: Partial<QueueInfoView> = {}): QueueInfoView {
  return { name, settings, ready: 0, inFlight: 0, delayed: 0, consumers: 1, publishRate: 0, deliverRate: 0, ackRate: 0, oldestReadyAgeMs: null, ...over };
}

describe('queueSignals', () => {
  it('says nothing about a healthy queue', () => {
    expect(queueSignals(q('ok', { ready: 3, oldestReadyAgeMs: 100 }), 0)).toEqual([]);
  });

  it('flags dead letters, missing consumers and old messages', () => {
    const kinds = queueSignals(q('work', { ready: 5, consumers: 0, oldestReadyAgeMs: 120_000 }), 2).map((s) => s.kind);
    expect(kinds).toEqual(['dead_letters', 'no_consumers', 'old_messages']);
  });

  it('does not ask a DLQ for consumers', () => {
    expect(queueSignals(q('work.dlq', { ready: 2, consumers: 0 }), 2).map((s) => s.kind)).toEqual(['dead_letters']);
  });
});

describe('isGrowing', () => {
  it('sees a depth that rose at every poll', () => {
    expect(isGrowing(q('a', { ready: 9 }), [3, 5, 7])).toBe(true);
    expect(isGrowing(q('a', { ready: 9 }), [3, 9])).toBe(false);
    expect(isGrowing(q('a', { ready: 6 }), [3, 7, 8])).toBe(false);
  });

  it('counts publishing outpacing delivery only while the depth goes up', () => {
    const outpaced = { publishRate: 5, deliverRate: 1 };
    expect(isGrowing(q('a', { ready: 12, ...outpaced }), [10, 10, 11])).toBe(true);
    expect(isGrowing(q('a', { ready: 12, ...outpaced }), [10, 12])).toBe(true);
    // Rates matching, the same flat-then-up depth is not enough.
    expect(isGrowing(q('a', { ready: 12, publishRate: 5, deliverRate: 5 }), [10, 10, 11])).toBe(false);
    expect(isGrowing(q('a', { ready: 0, publishRate: 5, deliverRate: 0 }), [0, 0, 0])).toBe(false);
  });

  it('does not call a capped queue growing: maxLength or TTL keeps its depth flat while it takes more than it delivers', () => {
    const capped = q('all-events', { ready: 20, consumers: 0, publishRate: 8, deliverRate: 0 });
    expect(isGrowing(capped, [20, 20, 20])).toBe(false);
    expect(queueSignals(capped, 0, { oldAfterMs: 60_000, depthTrend: [20, 20, 20] }).map((s) => s.kind)).not.toContain('growing');
    // A TTL queue bobbing around its level.
    expect(isGrowing(q('eu-events', { ready: 18, publishRate: 8, deliverRate: 0 }), [19, 17, 20])).toBe(false);
  });

  it('needs earlier samples: one poll says nothing about direction', () => {
    expect(isGrowing(q('a', { ready: 10, publishRate: 5, deliverRate: 1 }))).toBe(false);
    expect(isGrowing(q('a', { ready: 10, publishRate: 5, deliverRate: 1 }), [9])).toBe(false);
  });

  it('reports growth through queueSignals once the depth rises', () => {
    const filling = q('work', { ready: 30, publishRate: 8, deliverRate: 2 });
    expect(queueSignals(filling, 0, { oldAfterMs: 60_000, depthTrend: [10, 20] }).map((s) => s.kind)).toEqual(['growing']);
  });
});

describe('queuesNeedingAttention', () => {
  it('lists a queue once with its DLQ depth, worst first', () => {
    const rows = queuesNeedingAttention([
      q('idle', { ready: 50, consumers: 0 }),
      q('work', { ready: 1 }),
      q('work.dlq', { ready: 3, consumers: 0 }),
      q('orphan.dlq', { ready: 1, consumers: 0 }),
    ]);
    expect(rows.map((r) => r.queue.name)).toEqual(['orphan.dlq', 'work', 'idle']);
    expect(rows.find((r) => r.queue.name === 'work')!.signals[0]!.label).toBe('3 dead');
  });
});

describe('queueTotals and pushTrend', () => {
  it('sums work and dead letters apart', () => {
    const t = queueTotals([q('a', { ready: 2, inFlight: 1, publishRate: 1.5 }), q('a.dlq', { ready: 4 })]);
    expect(t).toMatchObject({ queues: 1, deadLetterQueues: 1, ready: 2, inFlight: 1, deadLetters: 4, publishRate: 1.5 });
  });

  it('keeps the last depths of each queue', () => {
    let trends = new Map<string, number[]>();
    for (const ready of [1, 2, 3, 4, 5]) trends = pushTrend(trends, [q('a', { ready })], 3);
    expect(trends.get('a')).toEqual([3, 4, 5]);
  });
});
