import { describe, expect, it } from 'vitest';
import { reportDeadAfter } from './dead-letter';

describe('reportDeadAfter', () => {
  it('reports what the transaction dead-lettered only once it has resolved (committed)', async () => {
    const events: string[] = [];
    const value = await reportDeadAfter(
      (queue, reason, count, arrivals) => events.push(`dead ${queue} ${reason} ${count} → ${[...arrivals].join(' ')}`),
      async (collect) => {
        collect('orders', 'max_deliveries', 2, new Map([['orders.dlq', 2]]));
        collect('orders', 'expired', 1, new Map());
        events.push('inside');
        await Promise.resolve();
        events.push('committed');
        return 42;
      },
    );
    expect(value).toBe(42);
    expect(events).toEqual(['inside', 'committed', 'dead orders max_deliveries 2 → orders.dlq,2', 'dead orders expired 1 → ']);
  });

  it('reports nothing when the transaction fails (rolled back)', async () => {
    const events: string[] = [];
    await expect(
      reportDeadAfter(
        (queue) => events.push(queue),
        async (collect) => {
          collect('orders', 'rejected', 1, new Map([['orders.dlq', 1]]));
          throw new Error('connection lost');
        },
      ),
    ).rejects.toThrow('connection lost');
    expect(events).toEqual([]);
  });
});
