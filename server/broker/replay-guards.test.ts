import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, text, type TestBroker } from '../../test/broker';
import { depth, drain, expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Broker } from './api';
import type { BrokerOptions } from './broker';
import type { Durability } from './types';

/** Publishes `bodies` straight to `queue` and rejects each into its `.dlq`; their ids, in order. */
async function deadLetters(broker: Broker, queue: string, bodies: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const b of bodies) ids.push((await broker.publish(message('amq.default', queue, b))).id);
  const leased = await drain(broker, queue);
  expect(leased).toHaveLength(bodies.length);
  await broker.nack(queue, leased.map((d) => d.receipt), { requeue: false, error: 'boom' });
  expect((await broker.queueInfo(`${queue}.dlq`)).ready).toBe(bodies.length);
  return ids;
}

describe.each(drivers)('replay and the memory limits on %s', (driver) => {
  async function withBroker(options: Partial<BrokerOptions>, fn: (broker: Broker) => Promise<void>): Promise<void> {
    const t = await startTestBroker(driver, options);
    try {
      await fn(t.broker);
    } finally {
      await t.close();
    }
  }

  it('an edited replay whose body would pass the byte limit is refused whole with memory_limit; publishes still fit after it', async () => {
    await withBroker({ memoryMaxBytes: 1024 }, async (broker) => {
      await broker.declareQueue('ram', { durability: 'memory' });
      const [id] = await deadLetters(broker, 'ram', ['small']);
      const refused = await broker.replay('ram.dlq', { ids: [id!], edit: { body: text('x'.repeat(3000)) } }).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: 'memory_limit',
        message: expect.stringMatching(/hold 5 bytes .* this replay adds 2995; the limit is 1024/),
        details: { limitBytes: 1024, heldBytes: 5, replayBytes: 2995 },
      });
      // nothing moved: the dead letter is where it was, the queue got nothing, and memory has room as before
      expect(await depth(broker, 'ram.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
      expect(await depth(broker, 'ram')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
      expect((await broker.publish(message('amq.default', 'ram', 'y'.repeat(900)))).queues).toEqual(['ram']);
      // an unchanged replay adds nothing (it takes out what it puts back): it passes, even close to the limit
      expect(await broker.replay('ram.dlq', { ids: [id!] })).toMatchObject({ replayed: 1 });
      expect(await depth(broker, 'ram')).toEqual({ ready: 2, inFlight: 0, delayed: 0 });
    });
  });

  it('a replay through an exchange that fans out to several memory queues counts every copy against the entry limit', async () => {
    await withBroker({ memoryLimit: 4 }, async (broker) => {
      await broker.declareExchange('fan', 'fanout');
      for (const q of ['m1', 'm2', 'm3']) {
        await broker.declareQueue(q, { durability: 'memory' });
        await broker.bind({ exchange: 'fan', queue: q, key: '' });
      }
      await broker.declareQueue('ram', { durability: 'memory' });
      const [a] = await deadLetters(broker, 'ram', ['a', 'b']);
      // 2 held; both through the fanout: 6 copies in, 2 dead letters out, 6 held > 4
      await expect(broker.replay('ram.dlq', { all: true, target: { exchange: 'fan' } })).rejects.toMatchObject({
        code: 'memory_limit',
        details: { limit: 4, heldEntries: 2, replayEntries: 4 },
      });
      for (const q of ['m1', 'm2', 'm3']) expect((await broker.queueInfo(q)).ready).toBe(0);
      expect((await broker.queueInfo('ram.dlq')).ready).toBe(2);
      // one of them: 3 copies in, 1 out, 4 held: fits exactly
      expect(await broker.replay('ram.dlq', { ids: [a!], target: { exchange: 'fan' } })).toMatchObject({ replayed: 1 });
      for (const q of ['m1', 'm2', 'm3']) expect((await broker.queueInfo(q)).ready).toBe(1);
      await expectCode(broker.publish(message('amq.default', 'ram', 'full')), 'memory_limit');
    });
  });
});

describe.each(drivers)('replay refuses before anything moves, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('xf', 'fanout');
    await t.broker.declareQueue('sink', {});
    await t.broker.declareQueue('ramsink', { durability: 'memory' });
    await t.broker.bind({ exchange: 'xf', queue: 'sink', key: '' });
    await t.broker.bind({ exchange: 'xf', queue: 'ramsink', key: '' });
  });
  afterEach(async () => t.close());

  const tiers: Durability[] = ['durable', 'memory'];

  it.each(tiers)('a DLQ replay through an exchange with a routing key no publish may use is invalid_routing_key (%s)', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('work', { durability });
    await deadLetters(broker, 'work', ['one']);
    for (const routingKey of ['has space #', 'k'.repeat(300), 'order.*']) {
      await expect(broker.replay('work.dlq', { all: true, target: { exchange: 'xf', routingKey } })).rejects.toMatchObject({
        code: 'invalid_routing_key',
        details: { routingKey },
      });
    }
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
    expect((await broker.queueInfo('sink')).ready + (await broker.queueInfo('ramsink')).ready).toBe(0);
    // a valid key still goes
    expect(await broker.replay('work.dlq', { all: true, target: { exchange: 'xf', routingKey: 'fine.key' } })).toMatchObject({ replayed: 1 });
  });

  it('an exchange replay with a routing key no publish may use is invalid_routing_key, and copies nothing', async () => {
    const { broker } = t;
    await broker.declareExchange('events', 'fanout');
    await broker.declareQueue('log', {});
    await broker.bind({ exchange: 'events', queue: 'log', key: '' });
    const from = new Date(Date.now() - 1000);
    await broker.publish(message('events', 'k', 'history'));
    await sleep(5);
    const to = new Date();
    for (const routingKey of ['has space #', 'k'.repeat(300)]) {
      await expect(broker.exchangeReplay('events', { from, to, target: { exchange: 'xf', routingKey } })).rejects.toMatchObject({ code: 'invalid_routing_key' });
    }
    expect((await broker.queueInfo('sink')).ready).toBe(0);
    expect(await broker.exchangeReplay('events', { from, to, target: { exchange: 'xf', routingKey: 'again' } })).toEqual({ replayed: 1 });
  });

  it.each(tiers)('ids together with all: true is refused (validation_failed), nothing moved (%s)', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('work', { durability });
    const [a] = await deadLetters(broker, 'work', ['a', 'b', 'c']);
    await expect(broker.replay('work.dlq', { all: true, ids: [a!] })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('not both'),
    });
    await expectCode(broker.replay('work.dlq', { all: true, ids: [] }), 'validation_failed');
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 3, inFlight: 0, delayed: 0 });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    // all: false with ids is just ids
    expect(await broker.replay('work.dlq', { all: false, ids: [a!] })).toMatchObject({ replayed: 1 });
    expect((await drain(broker, 'work')).map((d) => d.id)).toEqual([a]);
  });
});
