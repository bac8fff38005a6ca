import { describe, expect, it } from 'vitest';
import { CONSUMER_WINDOW_MS, ConsumersSeen } from './queue-info';

describe('ConsumersSeen', () => {
  it('counts each named consumer of a queue once, within the window, and forgets one that is gone', () => {
    const seen = new ConsumersSeen();
    const t = 1_000_000;
    seen.seen('work', 'worker-1', t);
    seen.seen('work', 'worker-1', t + 10); // a second connection of the same worker
    seen.seen('work', 'worker-2', t);
    seen.seen('other', 'worker-1', t);
    expect(seen.activeKeys('work', t + 20).sort()).toEqual(['worker-1', 'worker-2']);
    expect(seen.queues().sort()).toEqual(['other', 'work']);
    expect(seen.activeKeys('work', t + 10 + CONSUMER_WINDOW_MS + 1)).toEqual([]);
    seen.seen('work', 'worker-3', t);
    seen.forget('worker-1');
    expect(seen.activeKeys('other', t + 20)).toEqual([]);
  });

  it('drops a queue whose consumers all aged out, so what a node shares stays small', () => {
    const seen = new ConsumersSeen();
    seen.seen('once', 'w', 0);
    expect(seen.activeKeys('once', CONSUMER_WINDOW_MS + 1)).toEqual([]);
    expect(seen.queues()).toEqual([]);
  });
});
