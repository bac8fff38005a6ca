import { describe, expect, it } from 'vitest';
import { decideNack, retryDelayMs } from './backoff';

const policy = { initialDelayMs: 1000, maxDelayMs: 10_000, multiplier: 2, jitter: 0 };

describe('retryDelayMs', () => {
  it('grows exponentially and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(policy, a))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
  it('jitter spreads the delay ± half the jitter fraction', () => {
    const p = { ...policy, jitter: 0.2 };
    expect(retryDelayMs(p, 2, () => 0)).toBe(1800);
    expect(retryDelayMs(p, 2, () => 1)).toBe(2200);
    expect(retryDelayMs(p, 2, () => 0.5)).toBe(2000);
  });
});

describe('decideNack', () => {
  it('retries with the policy until the last attempt, then dead-letters', () => {
    expect(decideNack({ attempt: 1, maxDeliveries: 3, policy }, () => 0.5)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(decideNack({ attempt: 3, maxDeliveries: 3, policy })).toEqual({ kind: 'dead_letter', reason: 'max_deliveries' });
  });
  it('requeue: false rejects at once; an explicit delay wins over the policy', () => {
    expect(decideNack({ attempt: 1, maxDeliveries: 3, policy, requeue: false })).toEqual({ kind: 'dead_letter', reason: 'rejected' });
    expect(decideNack({ attempt: 1, maxDeliveries: 3, policy, delayMs: 5 })).toEqual({ kind: 'retry', delayMs: 5 });
  });
});
