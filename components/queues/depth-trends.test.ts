import { describe, expect, it } from 'vitest';
import { DepthTrends } from './depth-trends';
import { queueView } from './queue-fixtures';
import { isGrowing } from './queue-signals';

const poll = (...depths: [string, number][]) => depths.map(([name, ready]) => queueView(name, { ready }));

describe('DepthTrends', () => {
  it('says "growing" at the first poll when the stored samples rose (before: only after three polls)', () => {
    const t = new DepthTrends();
    t.seed([{ queue: 'shipping', depths: [40, 42, 45] }]);
    const first = poll(['shipping', 48]);
    t.push(first);
    expect(t.before('shipping')).toEqual([40, 42, 45]);
    expect(isGrowing(first[0]!, t.before('shipping'))).toBe(true);
    // without samples the same first look knows nothing of the direction
    const bare = new DepthTrends();
    bare.push(first);
    expect(isGrowing(first[0]!, bare.before('shipping'))).toBe(false);
  });

  it('puts the samples before the polled depths once, whichever arrives first', () => {
    const recent = [{ queue: 'a', depths: [1, 2] }];
    const pollFirst = new DepthTrends();
    pollFirst.push(poll(['a', 3]));
    pollFirst.seed(recent);
    pollFirst.seed([{ queue: 'a', depths: [9, 9] }]); // only the first seed counts
    pollFirst.push(poll(['a', 4]));
    const seedFirst = new DepthTrends();
    seedFirst.seed(recent);
    seedFirst.push(poll(['a', 3]));
    seedFirst.push(poll(['a', 4]));
    expect(pollFirst.before('a')).toEqual([1, 2, 3]);
    expect(seedFirst.before('a')).toEqual([1, 2, 3]);
  });

  it('ignores a poll given twice, keeps a bounded window, and starts a queue polled later from its samples', () => {
    const t = new DepthTrends(4);
    t.seed([{ queue: 'work.dlq', depths: [5, 6] }]);
    const same = poll(['work', 1]);
    t.push(same);
    t.push(same); // a re-render with the same data
    for (const n of [2, 3, 4, 5]) t.push(poll(['work', n]));
    expect(t.before('work')).toEqual([2, 3, 4]); // four kept: 2..5, the last being the current poll
    // the DLQ shows up in a later poll (the queue page reads it once the queue is known)
    t.push(poll(['work', 6], ['work.dlq', 7]));
    expect(t.before('work.dlq')).toEqual([5, 6]);
    expect(t.allBefore()).toEqual(new Map([['work', [3, 4, 5]], ['work.dlq', [5, 6]]]));
  });
});
