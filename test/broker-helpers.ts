import { expect } from 'vitest';
import type { Broker } from '../server/broker';
import type { ErrorCode } from '../server/broker/errors';
import type { Delivery } from '../server/broker/types';
import { sleep } from './broker';

/** Asserts that `p` rejects with a BrokerError carrying `code`. */
export async function expectCode(p: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
  await expect(run).rejects.toMatchObject({ name: 'BrokerError', code });
}

/** Polls `probe` until it returns a truthy value (the sweeper and retries run on timers). */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 3000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Leases everything ready in `queue` (repeated receives until one comes back empty). */
export async function drain(broker: Broker, queue: string, visibilityMs?: number): Promise<Delivery[]> {
  const all: Delivery[] = [];
  for (;;) {
    const batch = await broker.receive(queue, { max: 100, waitMs: 0, visibilityMs });
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** The single delivery a receive must return. */
export async function receiveOne(broker: Broker, queue: string, options: { waitMs?: number; visibilityMs?: number } = {}): Promise<Delivery> {
  const got = await broker.receive(queue, { max: 1, waitMs: options.waitMs ?? 0, visibilityMs: options.visibilityMs });
  expect(got).toHaveLength(1);
  return got[0]!;
}

export const depth = async (broker: Broker, queue: string) => {
  const { ready, inFlight, delayed } = await broker.queueInfo(queue);
  return { ready, inFlight, delayed };
};
