import { describe, expect, it } from 'vitest';
import { deathChain, deliveriesBeforeDeath, deliveriesBeforeDeathShort, deliveriesHere, discardWarning, LEASED_BADGE, originQueues, pageCaption, pagerLabels, parseOrder, reasonSummary, replayAllPlan, replayBlocked } from './dead-letter-page';

const counts = [
  { reason: 'max_deliveries', origin: 'notification', count: 200 },
  { reason: 'rejected', origin: 'billing', count: 3 },
  { reason: 'max_deliveries', origin: 'billing', count: 53 },
];

describe('reasonSummary and originQueues', () => {
  it('sums the whole queue by reason and by origin, most first', () => {
    expect(reasonSummary(counts)).toBe('253 max deliveries, 3 rejected');
    expect(originQueues(counts)).toEqual(['notification', 'billing']);
    expect(originQueues([{ reason: 'unknown', origin: null, count: 2 }])).toEqual([]);
    expect(reasonSummary([])).toBe('');
  });
});

describe('pageCaption', () => {
  it('says the order and which rows of how many', () => {
    expect(pageCaption({ order: 'newest', page: 0, shown: 50, total: 253, filtering: false })).toBe('Newest first · 1–50 of 253');
    expect(pageCaption({ order: 'oldest', page: 5, shown: 3, total: 253, filtering: false })).toBe('Oldest first · 251–253 of 253');
    expect(pageCaption({ order: 'newest', page: 0, shown: 2, total: 2, filtering: false })).toBe('All 2, newest first');
    expect(pageCaption({ order: 'newest', page: 1, shown: 10, total: 253, filtering: true })).toBe('Newest first · 51–60 of those matching the filter');
  });
});

describe('pagerLabels and parseOrder', () => {
  it('names the direction by age', () => {
    expect(pagerLabels('newest')).toEqual({ back: '← Newer', forward: 'Older →' });
    expect(pagerLabels('oldest')).toEqual({ back: '← Older', forward: 'Newer →' });
    expect(parseOrder('oldest')).toBe('oldest');
    expect(parseOrder(null)).toBe('newest');
    expect(parseOrder('sideways')).toBe('newest');
  });
});

describe('replayAllPlan', () => {
  it('moves what the server counted, on every page', () => {
    expect(replayAllPlan({ matching: 253, total: 253, filtering: false, durable: true })).toEqual({ moves: 253, button: 'Replay all 253…', notes: [] });
    expect(replayAllPlan({ matching: 7, total: 253, filtering: true, durable: true })).toEqual({ moves: 7, button: 'Replay 7 matching…', notes: [] });
  });

  it('says what stays: leased by a receive, or past one request of the database tier', () => {
    expect(replayAllPlan({ matching: 250, total: 253, filtering: false, durable: true }).notes).toEqual(['3 leased by a receive (in flight) now stay in the queue.']);
    const big = replayAllPlan({ matching: 12_000, total: 12_000, filtering: false, durable: true });
    expect(big.moves).toBe(10_000);
    expect(big.button).toBe('Replay all 10,000…');
    expect(big.notes).toEqual(['One replay moves at most 10,000; replay again for the remaining 2,000.']);
    expect(replayAllPlan({ matching: 12_000, total: 12_000, filtering: false, durable: false }).moves).toBe(12_000);
  });
});

describe('deathChain', () => {
  it('lists the queues of a dead-letter chain oldest first, ending with this death', () => {
    expect(deathChain({ queue: 'retry', diedBefore: ['parking', 'work'] })).toBe('work → parking → retry');
    expect(deathChain({ queue: 'work', diedBefore: [] })).toBeNull();
    expect(deathChain({ queue: 'work' })).toBeNull();
    expect(deathChain(null)).toBeNull();
  });
});

describe('replayBlocked', () => {
  it('blocks the replay of a leased (in-flight) dead letter, and says why', () => {
    const blocked = replayBlocked({ state: 'in_flight' });
    expect(blocked?.full).toMatch(/^A receive from this DLQ leased it \(in flight\): replay it once the lease is acked or nacked, or runs out/);
    expect(blocked?.short).toBe('Not while leased');
  });

  it('does not say a consumer holds it: the lease outlives the receive, and the same DLQ may count 0 consumers', () => {
    const blocked = replayBlocked({ state: 'in_flight' })!;
    for (const text of [blocked.short, blocked.full, LEASED_BADGE, ...replayAllPlan({ matching: 1, total: 2, filtering: false, durable: true }).notes]) {
      expect(text).not.toMatch(/consumer holds|held by a consumer/);
    }
    expect(blocked.full).toMatch(/0 consumers/);
  });

  it('lets ready and delayed dead letters be replayed', () => {
    expect(replayBlocked({ state: 'ready' })).toBeNull();
    expect(replayBlocked({ state: 'delayed' })).toBeNull();
  });
});

describe('discardWarning', () => {
  it('speaks of one dead letter in the singular', () => {
    expect(discardWarning(1, 'notification.dlq')).toBe(
      'It is removed from notification.dlq and will not be delivered again. The message stays in the message store for audit until retention drops it.',
    );
  });

  it('and of several in the plural', () => {
    expect(discardWarning(3, 'notification.dlq')).toMatch(/^They are removed from notification\.dlq .* The messages stay .* drops them\.$/);
  });
});

describe('delivery counts of a dead letter', () => {
  const death = { queue: 'notification', attempts: 3 };

  it('says where each count was made, so 3 attempts and 0 deliveries from the DLQ do not contradict', () => {
    expect(deliveriesBeforeDeath(death)).toBe('delivered 3 times in notification before it died');
    expect(deliveriesBeforeDeathShort(death)).toBe('3 in notification before it died');
    expect(deliveriesHere(0, 'notification.dlq')).toBe('delivered 0 times from notification.dlq');
  });

  it('counts one time in the singular', () => {
    expect(deliveriesBeforeDeath({ queue: 'mail', attempts: 1 })).toBe('delivered 1 time in mail before it died');
    expect(deliveriesHere(1, 'mail.dlq')).toBe('delivered 1 time from mail.dlq');
  });
});
