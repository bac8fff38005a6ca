import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { deadLetteredEvents, depth, drain, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Durability } from './types';

describe.each(drivers)('a queue that dead-letters to itself, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const deadLettered = (queue: string) => deadLetteredEvents(t.db, queue);

  it('is refused at declaration when its deadLetter names it by name (the default exchange), and in an import', async () => {
    const { broker } = t;
    for (const durability of ['durable', 'memory'] as const) {
      await expect(
        broker.declareQueue('ttlloop', { durability, messageTtlMs: 200, deadLetter: { exchange: 'amq.default', routingKey: 'ttlloop' } }),
      ).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining("names the queue 'ttlloop' itself"), details: { queue: 'ttlloop' } });
    }
    await expect(broker.queueInfo('ttlloop')).rejects.toMatchObject({ code: 'queue_not_found' });
    const defs = await broker.exportDefinitions();
    const settings = { ...(await broker.declareQueue('other', {})).queue.settings, deadLetter: { exchange: 'amq.default', routingKey: 'ttlloop' } };
    await expect(broker.importDefinitions({ ...defs, queues: [{ name: 'ttlloop', settings }] })).rejects.toMatchObject({ code: 'validation_failed' });
    // naming another queue by key stays allowed
    await broker.declareQueue('ttlloop', { messageTtlMs: 200, deadLetter: { exchange: 'amq.default', routingKey: 'other' } });
  });

  const tiers: Durability[] = ['durable', 'memory'];

  /** A queue whose dead-letter exchange routes its dead letters (by their own key, the queue's name) back to it. */
  async function selfRouted(name: string, durability: Durability, extra: { messageTtlMs?: number; maxLength?: number; maxDeliveries?: number } = {}) {
    const { broker } = t;
    await broker.declareExchange('loopx', 'direct');
    await broker.declareQueue(name, { durability, ...extra, deadLetter: { exchange: 'loopx' } });
    await broker.bind({ exchange: 'loopx', queue: name, key: name });
  }

  it.each(tiers)('an expired entry whose dead-letter target is its own queue is dropped, once, saying why (%s)', async (durability) => {
    const { broker } = t;
    await selfRouted('ttlloop', durability, { messageTtlMs: 200 });
    const { id } = await broker.publish(message('amq.default', 'ttlloop', 'expires'));
    const [first] = await waitFor(async () => {
      const got = await deadLettered('ttlloop');
      return got.length > 0 && got;
    });
    expect(first).toMatchObject({ message_id: id, detail: { reason: 'expired', to: [], dropped: true } });
    expect(first!.detail.droppedBecause).toMatch(/'ttlloop' is the queue the entry died from/);
    // a cycle would dead-letter it again every TTL and sweep (200 ms + 100 ms here)
    await sleep(900);
    expect(await deadLettered('ttlloop')).toHaveLength(1);
    expect(await depth(broker, 'ttlloop')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it.each(tiers)('beside other targets, only the queue itself is left out of an automatic dead-lettering (%s)', async (durability) => {
    const { broker } = t;
    await broker.declareExchange('loopf', 'fanout');
    await broker.declareQueue('ttlfan', { durability, messageTtlMs: 200, deadLetter: { exchange: 'loopf' } });
    await broker.declareQueue('audit', { durability });
    await broker.bind({ exchange: 'loopf', queue: 'ttlfan', key: '' });
    await broker.bind({ exchange: 'loopf', queue: 'audit', key: '' });
    const { id } = await broker.publish(message('amq.default', 'ttlfan', 'expires'));
    const d = await receiveOne(broker, 'audit', { waitMs: 3000 });
    expect(d).toMatchObject({ id, death: { queue: 'ttlfan', reason: 'expired' } });
    await sleep(700);
    const events = await deadLettered('ttlfan');
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ to: ['audit'], dropped: false, notTo: ['ttlfan'] });
    expect(await depth(broker, 'ttlfan')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it.each(tiers)('max length drops its oldest entry rather than putting it back into the queue it left (%s)', async (durability) => {
    const { broker } = t;
    await selfRouted('capped', durability, { maxLength: 1 });
    const first = await broker.publish(message('amq.default', 'capped', 'first'));
    const second = await broker.publish(message('amq.default', 'capped', 'second'));
    const left = await drain(broker, 'capped');
    expect(left.map((d) => d.id)).toEqual([second.id]);
    const events = await waitFor(async () => {
      const got = await deadLettered('capped');
      return got.length > 0 && got;
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ message_id: first.id, detail: { reason: 'max_length', to: [], dropped: true } });
  });

  it.each(tiers)('a rejection still goes back to the queue itself, with its death, as before (%s)', async (durability) => {
    const { broker } = t;
    await selfRouted('selfrej', durability, { maxDeliveries: 1 });
    const { id } = await broker.publish(message('amq.default', 'selfrej', 'rejected'));
    const d = await receiveOne(broker, 'selfrej');
    await broker.nack('selfrej', [d.receipt], { requeue: false, error: 'no' });
    const back = await receiveOne(broker, 'selfrej');
    expect(back).toMatchObject({ id, death: { queue: 'selfrej', reason: 'rejected', lastError: 'no' } });
  });
});
