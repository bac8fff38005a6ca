import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';

describe('token bucket', () => {
  it('allows the burst, then refills at the rate, per key', () => {
    let now = 0;
    const take = createRateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([take('a'), take('a'), take('a')].every((t) => t.ok)).toBe(true);
    expect(take('a')).toEqual({ ok: false, retryAfterS: 1 });
    expect(take('b').ok).toBe(true);
    now += 500; // one token back
    expect(take('a').ok).toBe(true);
    expect(take('a').ok).toBe(false);
    now += 10_000; // full again, never more than the burst
    expect([take('a'), take('a'), take('a'), take('a')].map((t) => t.ok)).toEqual([true, true, true, false]);
  });

  it('says how long to wait when the rate is below one a second', () => {
    let now = 0;
    const take = createRateLimiter({ perSecond: 0.1, burst: 1 }, () => now);
    expect(take('a').ok).toBe(true);
    expect(take('a')).toEqual({ ok: false, retryAfterS: 10 });
    now = 10_000;
    expect(take('a').ok).toBe(true);
  });

  it('is off at a rate of 0', () => {
    const take = createRateLimiter({ perSecond: 0, burst: 0 });
    for (let i = 0; i < 100; i++) expect(take('a').ok).toBe(true);
  });
});
