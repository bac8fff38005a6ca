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
    expect(seen.active('work', t + 20)).toBe(2);
    expect(seen.active('work', t + 10 + CONSUMER_WINDOW_MS + 1)).toBe(0);
    seen.seen('work', 'worker-3', t);
    seen.forget('worker-1');
    expect(seen.active('other', t + 20)).toBe(0);
  });
});
