import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { pause } from './pause';

describe('pause', () => {
  it('leaves no abort listener behind on the signal, however often it pauses', async () => {
    const stop = new AbortController();
    for (let i = 0; i < 50; i++) await pause(1, stop.signal);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('ends early, without rejecting, when the signal aborts', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const waiting = pause(10_000, stop.signal);
    stop.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    await pause(10_000, stop.signal); // already aborted: returns at once
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
