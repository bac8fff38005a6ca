import { describe, expect, it } from 'vitest';
import { CONSUMER_WINDOW_MS, ConsumersSeen } from './consumers-seen';

const names = (list: { name: string }[]) => list.map((c) => c.name);

describe('ConsumersSeen', () => {
  it('counts each named consumer of a queue once, within the window, and forgets one that is gone', () => {
    const seen = new ConsumersSeen();
    const t = 1_000_000;
    seen.seen('work', 'worker-1', t);
    seen.seen('work', 'worker-1', t + 10); // a second connection of the same worker
    seen.seen('work', 'worker-2', t);
    seen.seen('other', 'worker-1', t);
    expect(seen.active('work', t + 20)).toEqual([
      { name: 'worker-1', lastSeenAt: t + 10, deliverRate: 0 },
      { name: 'worker-2', lastSeenAt: t, deliverRate: 0 },
    ]);
    expect(seen.queues().sort()).toEqual(['other', 'work']);
    expect(seen.active('work', t + 10 + CONSUMER_WINDOW_MS + 1)).toEqual([]);
    seen.seen('work', 'worker-3', t);
    seen.forget('worker-1');
    expect(seen.active('other', t + 20)).toEqual([]);
    expect(names(seen.active('work', t + 20))).toEqual(['worker-3']);
  });

  it('drops a queue whose consumers all aged out, so what a node shares stays small', () => {
    const seen = new ConsumersSeen();
    seen.seen('once', 'w', 0);
    expect(seen.active('once', CONSUMER_WINDOW_MS + 1)).toEqual([]);
    expect(seen.queues()).toEqual([]);
  });

  it("counts each consumer's deliveries per second over the last minute, so a slow one among fast ones shows", () => {
    let now = 1_000_000_000;
    const seen = new ConsumersSeen(() => now);
    seen.seen('work', 'fast', now);
    seen.seen('work', 'slow', now);
    seen.deliveredTo('work', 'fast', 600);
    seen.deliveredTo('work', 'slow', 6);
    seen.deliveredTo('other', 'fast', 60);
    now += 1000; // rates leave out the current second
    expect(seen.active('work', now)).toEqual([
      { name: 'fast', lastSeenAt: now - 1000, deliverRate: 10 },
      { name: 'slow', lastSeenAt: now - 1000, deliverRate: 0.1 },
    ]);
  });

  it("forgets a consumer's deliveries with it: one that comes back starts from zero", () => {
    let now = 1_000_000_000;
    const seen = new ConsumersSeen(() => now);
    seen.seen('work', 'conn', now);
    seen.deliveredTo('work', 'conn', 60);
    seen.forget('conn');
    now += 1000;
    seen.seen('work', 'conn', now);
    expect(seen.active('work', now)).toEqual([{ name: 'conn', lastSeenAt: now, deliverRate: 0 }]);
    // Aged out of the window: dropped, its deliveries too.
    seen.deliveredTo('work', 'conn', 60);
    now += CONSUMER_WINDOW_MS + 1;
    expect(seen.active('work', now)).toEqual([]);
    seen.seen('work', 'conn', now);
    expect(seen.active('work', now)[0]!.deliverRate).toBe(0);
  });
});
