import { describe, expect, it } from 'vitest';
import { Waiters } from './waiters';

describe('long-poll waiters', () => {
  it('a wait ends when its queue is woken, and only then', async () => {
    const w = new Waiters();
    const started = Date.now();
    const waiting = w.wait('q', 5000);
    expect(w.count('q')).toBe(1);
    w.wake(['other']);
    w.wake(['q']);
    expect(await waiting).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(w.count('q')).toBe(0);
    expect(await w.wait('q', 20)).toBe(false); // timed out
  });

  it('a wake-up that comes between looking at the queue and waiting is not lost', async () => {
    const w = new Waiters();
    const stamp = w.stamp('q');
    w.wake(['q']); // e.g. a publish committed while the claim query ran
    const started = Date.now();
    expect(await w.wait('q', 5000, undefined, stamp)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    const again = w.stamp('q');
    w.wakeAll();
    expect(await w.wait('q', 5000, undefined, again)).toBe(true);
    // Other queues' wake-ups do not count.
    const mine = w.stamp('q');
    w.wake(['other']);
    expect(await w.wait('q', 30, undefined, mine)).toBe(false);
  });

  it('an already aborted signal ends the wait at once; an abort ends a running wait', async () => {
    const w = new Waiters();
    const gone = new AbortController();
    gone.abort();
    const started = Date.now();
    expect(await w.wait('q', 5000, gone.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(w.count('q')).toBe(0);
    const later = new AbortController();
    const waiting = w.wait('q', 5000, later.signal);
    later.abort();
    expect(await waiting).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
