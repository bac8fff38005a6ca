import type { RetryPolicy } from './types';

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 };

/**
 * The delay before the next delivery after failed attempt `attempt` (1-based): exponential,
 * capped, then jittered by ±jitter/2 of itself. `random` is injectable for tests.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const spread = capped * policy.jitter;
  return Math.max(0, Math.round(capped - spread / 2 + random() * spread));
}

export type NackDecision = { kind: 'retry'; delayMs: number } | { kind: 'dead_letter'; reason: 'rejected' | 'max_deliveries' };

/** The one rule for what a nack does, shared by the durable and the memory tier. */
export function decideNack(
  input: { attempt: number; maxDeliveries: number; policy: RetryPolicy; requeue?: boolean; delayMs?: number },
  random: () => number = Math.random,
): NackDecision {
  if (input.requeue === false) return { kind: 'dead_letter', reason: 'rejected' };
  if (input.attempt >= input.maxDeliveries) return { kind: 'dead_letter', reason: 'max_deliveries' };
  return { kind: 'retry', delayMs: input.delayMs ?? retryDelayMs(input.policy, input.attempt, random) };
}
