import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { depth, drain, expectCode, receiveOne } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';

/** Replays copy each message once, never into a DLQ, never twice into one queue, and within max length. */
describe.each(drivers)('replay integrity on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const entries = async (queue: string) =>
    Number((await t.db.query<{ n: string | number }>('SELECT count(*) AS n FROM queue_entries WHERE queue = $1', [queue]))[0]!.n);

  /** Publishes `n` messages in batches of 200. */
  async function publishMany(exchange: string, key: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 200) {
      await t.broker.publishBatch(Array.from({ length: Math.min(200, n - i) }, (_, j) => message(exchange, key, `m${i + j}`)));
    }
  }

  /** One message rejected from `queue` into its DLQ; returns its id. */
  async function deadLetterOne(exchange: string, key: string, queue: string): Promise<string> {
    const { id } = await t.broker.publish(message(exchange, key, 'dies'));
    const d = await receiveOne(t.broker, queue);
    expect(d.id).toBe(id);
    await t.broker.nack(queue, [d.receipt], { requeue: false, error: 'boom' });
    return id;
  }

  it('exchange replay with `to` in the future copies each stored message once, over more than one page', async () => {
    const { broker } = t;
    const n = 1_200; // more than one 1,000-message page
    const from = new Date(Date.now() - 1000);
    // Back through the exchange itself: the copies land in its own log.
    await broker.declareExchange('amp21', 'fanout');
    await broker.declareQueue('amp21.q', {});
    await broker.bind({ exchange: 'amp21', queue: 'amp21.q', key: '' });
    await publishMany('amp21', 'k', n);
    expect(await broker.exchangeReplay('amp21', { from, to: new Date(Date.now() + 2000), target: { exchange: 'amp21' } })).toEqual({ replayed: n });
    expect(await entries('amp21.q')).toBe(2 * n);
    // Into a queue from the default exchange: the copies are stored as published to the default exchange.
    await broker.declareQueue('src22', {});
    await broker.declareQueue('rebuild22', {});
    await publishMany('amq.default', 'src22', n);
    const replay = { from, to: new Date(Date.now() + 1000), routingKey: 'src22', target: { queue: 'rebuild22' } };
    expect(await broker.exchangeReplay('amq.default', replay)).toEqual({ replayed: n });
    expect(await entries('rebuild22')).toBe(n);
  });

  it('an unchanged replay into a queue that still holds that message stores a new message instead of a second entry', async () => {
    const { broker } = t;
    await broker.declareExchange('f23', 'fanout');
    for (const durability of ['durable', 'memory'] as const) {
      const [a, b] = [`f23.${durability}.a`, `f23.${durability}.b`];
      await broker.declareQueue(a, { durability });
      await broker.declareQueue(b, { durability });
      await broker.bind({ exchange: 'f23', queue: a, key: '' });
      await broker.bind({ exchange: 'f23', queue: b, key: '' });
      const id = await deadLetterOne('f23', 'k', a);
      expect(await broker.replay(`${a}.dlq`, { all: true, target: { queue: b } })).toMatchObject({ replayed: 1 });
      const got = await drain(broker, b);
      expect(got).toHaveLength(2);
      expect(new Set(got.map((d) => d.id)).size).toBe(2);
      expect(got.map((d) => d.id)).toContain(id);
      expect(new Set(got.map((d) => d.correlationId)).size).toBe(1);
      expect(await depth(broker, `${a}.dlq`)).toMatchObject({ ready: 0 });
      await broker.unbind({ exchange: 'f23', queue: a, key: '' });
      await broker.unbind({ exchange: 'f23', queue: b, key: '' });
    }
  });

  it('an unchanged replay enforces max length on a durable queue (drop-head, reason max_length)', async () => {
    const { broker } = t;
    await broker.declareQueue('ml4', { maxLength: 2 });
    for (let i = 0; i < 5; i++) await broker.publish(message('amq.default', 'ml4', `m${i}`));
    expect(await depth(broker, 'ml4')).toMatchObject({ ready: 2 });
    expect(await depth(broker, 'ml4.dlq')).toMatchObject({ ready: 3 });
    expect(await broker.replay('ml4.dlq', { all: true })).toMatchObject({ replayed: 3 });
    expect(await depth(broker, 'ml4')).toMatchObject({ ready: 2 });
    const dead = await drain(broker, 'ml4.dlq');
    expect(dead).toHaveLength(3);
    expect(dead.every((d) => d.death?.reason === 'max_length')).toBe(true);
  });

  it('moves at most 10,000 dead letters a call on the database and says when more may match', async () => {
    const { broker } = t;
    await broker.declareQueue('ml5', { maxLength: 1 });
    await publishMany('amq.default', 'ml5', 10_002); // 10,001 dead letters (max_length)
    expect(await depth(broker, 'ml5.dlq')).toMatchObject({ ready: 10_001 });
    await broker.declareQueue('ml5.back', {});
    const first = await broker.replay('ml5.dlq', { all: true, target: { queue: 'ml5.back' } });
    expect(first).toEqual({ replayed: 10_000, skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [] }, more: true });
    expect(await broker.replay('ml5.dlq', { all: true, target: { queue: 'ml5.back' } })).toMatchObject({ replayed: 1, more: false });
    expect(await depth(broker, 'ml5.back')).toMatchObject({ ready: 10_001 });
  }, 120_000);

  it('refuses a dead-letter queue as replay target, keeping the death record', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await broker.declareQueue('fast', { durability: 'memory' });
    await broker.declareExchange('graveyard', 'fanout');
    await broker.declareQueue('parked', {});
    await broker.bind({ exchange: 'graveyard', queue: 'parked', key: '' });
    await broker.declareQueue('routed', { deadLetter: { exchange: 'graveyard' } });
    await deadLetterOne('amq.default', 'work', 'work');
    await deadLetterOne('amq.default', 'fast', 'fast');
    await expect(broker.replay('work.dlq', { all: true, target: { queue: 'work.dlq' } })).rejects.toMatchObject({
      code: 'queue_in_use',
      details: { queue: 'work.dlq', deadLetterOf: ['work'] },
    });
    await expectCode(broker.replay('work.dlq', { all: true, target: { queue: 'parked' } }), 'queue_in_use');
    await expectCode(broker.replay('fast.dlq', { all: true, target: { queue: 'fast.dlq' } }), 'queue_in_use');
    const from = new Date(Date.now() - 60_000);
    await expectCode(broker.exchangeReplay('amq.default', { from, to: new Date(), target: { queue: 'work.dlq' } }), 'queue_in_use');
    const [dead] = await drain(broker, 'work.dlq');
    expect(dead!.death).toMatchObject({ queue: 'work', reason: 'rejected', lastError: 'boom' });
    expect(await entries('work.dlq')).toBe(1);
    expect((await broker.browse('fast.dlq', { limit: 10 })).map((e) => e.death?.queue)).toEqual(['fast']);
  });

  it('answers 404 with the reason when every origin queue is gone or of the other tier; replays the rest otherwise', async () => {
    const { broker } = t;
    for (const durability of ['durable', 'memory'] as const) {
      const [parked, a, b] = [`parked.${durability}`, `a.${durability}`, `b.${durability}`];
      const other = durability === 'durable' ? 'memory' : 'durable';
      await broker.declareQueue(parked, { durability });
      for (const q of [a, b]) await broker.declareQueue(q, { durability, deadLetter: { exchange: 'amq.default', routingKey: parked } });
      await deadLetterOne('amq.default', a, a);
      await deadLetterOne('amq.default', b, b);
      await broker.deleteQueue(a);
      // Partial: b's comes back; a's stays, and the answer counts it by origin.
      expect(await broker.replay(parked, { all: true })).toEqual({
        replayed: 1,
        skipped: { originMissing: { [a]: 1 }, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [] },
        more: false,
      });
      expect(await depth(broker, b)).toMatchObject({ ready: 1 });
      await expect(broker.replay(parked, { all: true })).rejects.toMatchObject({
        code: 'replay_target_not_found',
        message: expect.stringContaining(`'${a}' does not exist`),
        details: { originMissing: [a] },
      });
      await broker.declareQueue(a, { durability: other });
      const [back] = await drain(broker, b);
      await broker.ack(b, [back!.receipt]);
      await deadLetterOne('amq.default', b, b);
      expect(await broker.replay(parked, { all: true })).toEqual({
        replayed: 1,
        skipped: { originMissing: {}, originOtherTier: { [a]: 1 }, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [] },
        more: false,
      });
      await expect(broker.replay(parked, { all: true })).rejects.toMatchObject({
        code: 'replay_target_not_found',
        message: expect.stringContaining('other tier'),
        details: { originOtherTier: [a] },
      });
      expect(await depth(broker, parked)).toMatchObject({ ready: 1 });
    }
  });

  it('from after to is a validation error naming the fields', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await deadLetterOne('amq.default', 'work', 'work');
    const [from, to] = [new Date(), new Date(Date.now() - 60_000)];
    await expect(broker.exchangeReplay('amq.default', { from, to, target: { queue: 'work' } })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { from: from.toISOString(), to: to.toISOString() },
    });
    await expect(broker.replay('work.dlq', { filter: { from, to } })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { 'filter.from': from.toISOString(), 'filter.to': to.toISOString() },
    });
    expect(await depth(broker, 'work.dlq')).toMatchObject({ ready: 1 });
  });

  it('search by queue finds a message replayed unchanged into another queue', async () => {
    const { broker } = t;
    await broker.declareQueue('s24', {});
    await broker.declareQueue('s24.other', {});
    const id = await deadLetterOne('amq.default', 's24', 's24');
    await sleep(5);
    expect(await broker.replay('s24.dlq', { all: true, target: { queue: 's24.other' } })).toMatchObject({ replayed: 1 });
    expect((await broker.searchMessages({ queue: 's24.other' })).messages.map((m) => m.id)).toEqual([id]);
    expect((await broker.searchMessages({ queue: 's24' })).messages.map((m) => m.id)).toEqual([id]);
  });
});
