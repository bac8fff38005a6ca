import { describe, expect, it } from 'vitest';
import { createClaimCombiner, type ClaimStatements } from './claim-combiner';
import { resolveQueueSettings } from './queue-settings';
import type { Delivery, Queue } from './types';

const queue = (name: string): Queue => ({ name, settings: resolveQueueSettings(name) });
const row = (n: number) => ({ receipt: `r${n}` }) as Delivery;

/** Statements that record each call and lease `ready` rows in order. */
function fakeStatements(ready: number) {
  const claims: { queue: string; visibilityMs: number[] }[] = [];
  let nextVisibleCalls = 0;
  let taken = 0;
  const db: ClaimStatements = {
    async claim(q, visibilityMs) {
      claims.push({ queue: q.name, visibilityMs });
      const n = Math.min(visibilityMs.length, ready - taken);
      const rows = Array.from({ length: n }, (_, i) => row(taken + i));
      taken += n;
      return rows;
    },
    async nextVisibleMs() {
      nextVisibleCalls++;
      return 250;
    },
  };
  return { db, claims, nextVisible: () => nextVisibleCalls };
}

describe('claim combiner', () => {
  it('sends receives that arrive together as one claim, one slot per message, each with its visibility', async () => {
    const f = fakeStatements(5);
    const combiner = createClaimCombiner(f.db);
    const q = queue('work');
    const [a, b, c] = await Promise.all([
      combiner.claim({ queue: q, max: 2, visibilityMs: 1000 }),
      combiner.claim({ queue: q, max: 2, visibilityMs: 5000 }),
      combiner.claim({ queue: q, max: 2, visibilityMs: 9000 }),
    ]);
    expect(f.claims).toEqual([{ queue: 'work', visibilityMs: [1000, 1000, 5000, 5000, 9000, 9000] }]);
    // handed out in arrival order, each up to its max
    expect(a!.deliveries.map((d) => d.receipt)).toEqual(['r0', 'r1']);
    expect(b!.deliveries.map((d) => d.receipt)).toEqual(['r2', 'r3']);
    expect(c!.deliveries.map((d) => d.receipt)).toEqual(['r4']);
    // none empty-handed, so nobody asked when the next entry becomes visible
    expect(f.nextVisible()).toBe(0);
    expect(a!.nextVisibleMs).toBeUndefined();
  });

  it('gives the receives left with nothing one shared look at the next visible entry', async () => {
    const f = fakeStatements(1);
    const combiner = createClaimCombiner(f.db);
    const q = queue('work');
    const results = await Promise.all([1, 2, 3].map(() => combiner.claim({ queue: q, max: 1, visibilityMs: 1000 })));
    expect(results.map((r) => r.deliveries.length)).toEqual([1, 0, 0]);
    expect(results.map((r) => r.nextVisibleMs)).toEqual([undefined, 250, 250]);
    expect(f.nextVisible()).toBe(1);
  });

  it('leases nothing for a receive that has gone away, and keeps queues apart', async () => {
    const f = fakeStatements(10);
    const combiner = createClaimCombiner(f.db);
    const gone = new AbortController();
    gone.abort();
    const [left, skipped, right] = await Promise.all([
      combiner.claim({ queue: queue('left'), max: 1, visibilityMs: 1000 }),
      combiner.claim({ queue: queue('left'), max: 3, visibilityMs: 1000, signal: gone.signal }),
      combiner.claim({ queue: queue('right'), max: 2, visibilityMs: 1000 }),
    ]);
    expect(f.claims).toEqual([
      { queue: 'left', visibilityMs: [1000] },
      { queue: 'right', visibilityMs: [1000, 1000] },
    ]);
    expect(left!.deliveries).toHaveLength(1);
    expect(skipped).toEqual({ deliveries: [] });
    expect(right!.deliveries).toHaveLength(2);
  });
});
