import { describe, expect, it } from 'vitest';
import type { QueueInfoView } from '@/server/trpc/schemas';
import { queueView } from './queue-fixtures';
import { DLQ_TREND_POLLS, deadLetterGain, isDeadLetterGrowing, isGrowing, isInternalQueue, nextSteps, pushTrend, queueSignals, queueTotals, queuesNeedingAttention } from './queue-signals';

const q = queueView;

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

describe('a dead-letter queue piling up', () => {
  // What a DLQ looks like to the console: no consumers, nothing published to it or delivered from it.
  const dlq = (ready: number) => q('notification.dlq', { ready, consumers: 0, publishRate: 0, deliverRate: 0, oldestReadyAgeMs: 90_000 });

  it('was never growing by the rule for ordinary queues: no rates, and dead letters arrive in steps', () => {
    // Dead letters every few polls: the depth never rises at every poll, and a DLQ's publish rate is zero.
    expect(isGrowing(dlq(12), [10, 10, 12])).toBe(false);
  });

  it('is growing when its depth rose over the window and never fell', () => {
    expect(isDeadLetterGrowing(12, [10, 10, 12, 12])).toBe(true);
    expect(isDeadLetterGrowing(11, [10, 10])).toBe(true);
    expect(deadLetterGain(14, [8, 8, 10, 10, 10, 14])).toEqual({ added: 6, polls: 6 });
  });

  it('is not growing when flat, drained, or too new to say', () => {
    expect(isDeadLetterGrowing(10, [10, 10, 10])).toBe(false);
    // A replay in the window: someone is draining it, even if more died since.
    expect(isDeadLetterGrowing(12, [10, 4, 8])).toBe(false);
    expect(isDeadLetterGrowing(3, [5, 4])).toBe(false);
    expect(isDeadLetterGrowing(11, [10])).toBe(false);
    expect(isDeadLetterGrowing(11)).toBe(false);
  });

  it('looks back over the longer DLQ window only: an old fall no longer counts', () => {
    const window = Array.from({ length: DLQ_TREND_POLLS }, (_, i) => 20 + Math.floor(i / 5));
    expect(isDeadLetterGrowing(25, [50, ...window])).toBe(true);
    expect(deadLetterGain(25, [50, ...window])).toEqual({ added: 5, polls: DLQ_TREND_POLLS });
  });

  it('is flagged growing by queueSignals, on the queue list and the queue page', () => {
    const signals = queueSignals(dlq(12), 12, { oldAfterMs: 60_000, depthTrend: [10, 10, 12, 12] });
    expect(signals.map((s) => s.kind)).toEqual(['dead_letters', 'growing']);
    expect(signals[1]).toMatchObject({ label: 'growing', severity: 'warning' });
    expect(signals[1]!.detail).toBe('dead letters are piling up: 2 more in the last 4 refreshes, none taken out');
    expect(queueSignals(dlq(12), 12, { oldAfterMs: 60_000, depthTrend: [12, 12, 12] }).map((s) => s.kind)).toEqual(['dead_letters']);
  });

  it('is said on its origin queue when given the DLQ trend (where the DLQ is not listed apart)', () => {
    const work = q('notification', { ready: 1 });
    const kinds = queueSignals(work, 12, { oldAfterMs: 60_000, depthTrend: [1, 1, 1], dlqTrend: [10, 11, 11] }).map((s) => s.kind);
    expect(kinds).toEqual(['dead_letters', 'dead_letters_growing']);
    expect(queueSignals(work, 12, { oldAfterMs: 60_000, dlqTrend: [12, 12, 12] }).map((s) => s.kind)).toEqual(['dead_letters']);
  });

  it('reaches the overview through the origin queue, where the DLQ row is folded in', () => {
    let trends = new Map<string, number[]>();
    for (const n of [10, 10, 11, 13]) trends = pushTrend(trends, [q('notification', { ready: 1 }), dlq(n)]);
    const previous = new Map([...trends].map(([k, v]) => [k, v.slice(0, -1)]));
    const rows = queuesNeedingAttention([q('notification', { ready: 1 }), dlq(13)], { trends: previous });
    expect(rows.map((r) => r.queue.name)).toEqual(['notification']);
    expect(rows[0]!.signals.map((s) => s.kind)).toEqual(['dead_letters', 'dead_letters_growing']);
    // An orphan DLQ (its origin deleted) is listed itself, flagged growing.
    const orphan = queuesNeedingAttention([dlq(13)], { trends: previous });
    expect(orphan[0]!.signals.map((s) => s.kind)).toEqual(['dead_letters', 'growing']);
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

  it('keeps enough depths for the DLQ window by default', () => {
    let trends = new Map<string, number[]>();
    for (let ready = 1; ready <= 40; ready++) trends = pushTrend(trends, [q('a.dlq', { ready })]);
    expect(trends.get('a.dlq')).toHaveLength(DLQ_TREND_POLLS + 1);
    expect(trends.get('a.dlq')!.at(-1)).toBe(40);
  });

  it('keeps the last depths of each queue', () => {
    let trends = new Map<string, number[]>();
    for (const ready of [1, 2, 3, 4, 5]) trends = pushTrend(trends, [q('a', { ready })], 3);
    expect(trends.get('a')).toEqual([3, 4, 5]);
  });
});

describe('nextSteps', () => {
  it('says what to do about each signal once, worst first, and marks what is done on the DLQ page', () => {
    const steps = nextSteps(queueSignals(q('mail', { ready: 914, consumers: 0, oldestReadyAgeMs: 120_000 }), 3));
    expect(steps).toEqual([
      { text: 'Review the dead letters: replay or discard them', deadLetters: true },
      { text: 'Start a consumer, or give the queue a push endpoint', deadLetters: false },
    ]);
    const dlq = queueSignals(q('mail.dlq', { ready: 4, consumers: 0 }), 4, { oldAfterMs: 60_000, depthTrend: [1, 2, 3] });
    expect(nextSteps(dlq)).toEqual([
      { text: 'Review the dead letters: replay or discard them', deadLetters: true },
      { text: 'Read the last errors of its dead letters: consumers keep failing', deadLetters: true },
    ]);
  });
});

describe('one action per cause', () => {
  const slowAndGrowing = { oldAfterMs: 60_000, depthTrend: [100, 140, 180] };

  it('gives a backlog its consumers do not clear one action, however many signals show it', () => {
    const shipping = queueSignals(q('shipping', { ready: 220, consumers: 2, publishRate: 8, deliverRate: 2, oldestReadyAgeMs: 120_000 }), 0, slowAndGrowing);
    expect(shipping.map((s) => s.kind)).toEqual(['old_messages', 'growing']);
    expect(nextSteps(shipping)).toEqual([{ text: 'Add consumers, or find out why they are slow', deadLetters: false }]);
  });

  it('never calls consumers slow when there are none', () => {
    const idle = queueSignals(q('idle', { ready: 220, consumers: 0, publishRate: 8, oldestReadyAgeMs: 120_000 }), 0, slowAndGrowing);
    expect(idle.map((s) => s.kind)).toEqual(['no_consumers', 'old_messages', 'growing']);
    expect(nextSteps(idle)).toEqual([{ text: 'Start a consumer, or give the queue a push endpoint', deadLetters: false }]);
    for (const s of idle) expect(s.action).not.toMatch(/slow|keep up/);
    // Only delayed messages, none ready: no no_consumers signal, but growth still asks for a consumer.
    const delayed = queueSignals(q('later', { ready: 0, delayed: 30, consumers: 0 }), 0, { oldAfterMs: 60_000, depthTrend: [10, 20] });
    expect(nextSteps(delayed)).toEqual([{ text: 'Start a consumer, or give the queue a push endpoint', deadLetters: false }]);
  });

  it('keeps dead letters apart from the backlog', () => {
    const mail = queueSignals(q('mail', { ready: 220, consumers: 3, oldestReadyAgeMs: 120_000 }), 4);
    expect(nextSteps(mail).map((s) => s.text)).toEqual(['Review the dead letters: replay or discard them', 'Add consumers, or find out why they are slow']);
  });
});

describe('isInternalQueue', () => {
  it('marks the gateway’s reply queues (the reserved amq. space), and nothing else', () => {
    expect(isInternalQueue('amq.reply.node-1')).toBe(true);
    expect(isInternalQueue('amq.reply.3f2a')).toBe(true);
    expect(isInternalQueue('orders')).toBe(false);
    expect(isInternalQueue('orders.amq.reply')).toBe(false);
    expect(isInternalQueue('amqp-bridge')).toBe(false);
  });
});
