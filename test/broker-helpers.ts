import { expect } from 'vitest';
import type { Broker } from '../server/broker';
import type { ErrorCode } from '../server/broker/errors';
import type { Delivery } from '../server/broker/types';
import type { Db } from '../db/driver';
import { message, sleep } from './broker';

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

/**
 * Publishes one message per error to `exchange` with `key` (bodies `body 0`, `body 1`, …), takes
 * them all from `queue` and rejects each (no requeue) with its error: they land in its DLQ.
 * Returns their ids in publish order.
 */
export async function rejectEach(broker: Broker, p: { exchange: string; key: string; queue: string }, errors: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const i of errors.keys()) ids.push((await broker.publish(message(p.exchange, p.key, `body ${i}`))).id);
  const leased = await drain(broker, p.queue);
  if (leased.length !== errors.length) throw new Error(`expected ${errors.length} deliveries from ${p.queue}, got ${leased.length}`);
  for (const d of leased) await broker.nack(p.queue, [d.receipt], { requeue: false, error: errors[ids.indexOf(d.id)]! });
  return ids;
}

/** A `dead_lettered` event as its row holds it (dead-letter-self and dead-letter-cycle tests). */
export type DeadLetteredEvent = {
  message_id: string;
  queue: string;
  detail: { reason: string; to: string[]; dropped: boolean; droppedBecause?: string; notTo?: string[]; notToBecause?: string };
};

/** The `dead_lettered` events of entries that died in `queue`, oldest first. */
export const deadLetteredEvents = (db: Db, queue: string) =>
  db.query<DeadLetteredEvent>("SELECT message_id, queue, detail FROM events WHERE type = 'dead_lettered' AND queue = $1 ORDER BY id", [queue]);

/** A topic exchange `orders` bound to queue `work` (with its default `work.dlq`) by `order.*`. */
export async function declareOrdersToWork(broker: Broker, durability: 'durable' | 'memory'): Promise<void> {
  await broker.declareExchange('orders', 'topic');
  await broker.declareQueue('work', { durability });
  await broker.bind({ exchange: 'orders', queue: 'work', key: 'order.*' });
}

/** Rejects one message per error from `orders`/`order.x` into work.dlq (see declareOrdersToWork); returns their ids. */
export const rejectIntoWorkDlq = (broker: Broker, ...errors: string[]) => rejectEach(broker, { exchange: 'orders', key: 'order.x', queue: 'work' }, errors);

