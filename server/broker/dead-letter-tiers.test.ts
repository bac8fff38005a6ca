import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { depth, expectCode, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Durability } from './types';

/** Dead letters never leave their tier, and are never dropped silently because of it. */
describe.each(drivers)('dead letters across tiers on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const eventDetails = async (messageId: string, type: string) =>
    (
      await t.db.query<{ detail: unknown }>('SELECT detail FROM events WHERE message_id = $1 AND type = $2 ORDER BY id', [messageId, type])
    ).map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>);

  it.each([
    ['durable', 'memory'],
    ['memory', 'durable'],
  ] as [Durability, Durability][])('a %s .dlq left behind refuses a %s queue of the same name with 409', async (first, second) => {
    const { broker } = t;
    await broker.declareQueue('tier34', { durability: first, maxDeliveries: 1 });
    await broker.deleteQueue('tier34');
    expect((await broker.queueInfo('tier34.dlq')).settings.durability).toBe(first);
    await expect(broker.declareQueue('tier34', { durability: second, maxDeliveries: 1 })).rejects.toMatchObject({
      code: 'queue_settings_mismatch',
      message: expect.stringContaining(`'tier34.dlq' exists with durability '${first}'`),
    });
    expect((await broker.listQueues()).map((q) => q.name)).not.toContain('tier34');
    await expectCode(
      broker.importDefinitions({ exchanges: [], queues: [{ name: 'tier34', settings: { ...(await broker.queueInfo('tier34.dlq')).settings, durability: second, deadLetter: {} } }], bindings: [] }),
      'queue_settings_mismatch',
    );
    // The same tier, or another deadLetter, is fine.
    await broker.declareQueue('tier34', { durability: first });
    await broker.deleteQueue('tier34');
    await broker.declareQueue('tier34', { durability: second, deadLetter: false });
  });

  it.each([
    ['memory', 'durable'],
    ['durable', 'memory'],
  ] as [Durability, Durability][])(
    'a %s queue whose dead-letter exchange routes to a %s queue keeps the entry, says why, and dead-letters it once the route is in its tier',
    async (tier, other) => {
      const { broker } = t;
      await broker.declareExchange('log1', 'direct');
      await broker.declareQueue('sink', { durability: other, deadLetter: false });
      await broker.declareQueue('same', { durability: tier, deadLetter: false });
      await broker.bind({ exchange: 'log1', queue: 'sink', key: 'k.a' });
      await broker.declareQueue('memx17', { durability: tier, visibilityTimeoutMs: 300, deadLetter: { exchange: 'log1', routingKey: 'k.a' } });
      const p = await broker.publish(message('amq.default', 'memx17', 'precious'));
      const d = await receiveOne(broker, 'memx17');
      expect(await broker.nack('memx17', [d.receipt], { requeue: false, error: 'bad' })).toMatchObject({ nacked: 1 });
      expect(await depth(broker, 'sink')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
      const kept = await waitFor(async () => (await eventDetails(p.id, 'retry_scheduled'))[0]);
      expect(kept).toMatchObject({ deadLetterKept: true, deathReason: 'rejected', lastError: 'bad', otherTier: ['sink'] });
      expect(kept.reason).toContain("'sink'");
      expect(await eventDetails(p.id, 'dead_lettered')).toEqual([]);
      // Still in its queue: delivered again once its visibility timeout passes.
      const again = await receiveOne(broker, 'memx17', { waitMs: 3000 });
      expect(again.id).toBe(p.id);
      // Routed within its tier, it dead-letters.
      await broker.unbind({ exchange: 'log1', queue: 'sink', key: 'k.a' });
      await broker.bind({ exchange: 'log1', queue: 'same', key: 'k.a' });
      await broker.nack('memx17', [again.receipt], { requeue: false, error: 'bad again' });
      const dead = await receiveOne(broker, 'same', { waitMs: 2000 });
      expect(dead).toMatchObject({ id: p.id, death: { queue: 'memx17', reason: 'rejected', lastError: 'bad again' } });
      expect(await depth(broker, 'memx17')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    },
  );

  it.each([
    ['durable', 'memory'],
    ['memory', 'durable'],
  ] as [Durability, Durability][])('the sweeper keeps a spent %s entry whose dead-letter exchange routes to a %s queue', async (tier, other) => {
    const { broker } = t;
    await broker.declareExchange('log1', 'direct');
    await broker.declareQueue('sink', { durability: other, deadLetter: false });
    await broker.bind({ exchange: 'log1', queue: 'sink', key: 'k.a' });
    await broker.declareQueue('spent', { durability: tier, maxDeliveries: 1, visibilityTimeoutMs: 100, deadLetter: { exchange: 'log1', routingKey: 'k.a' } });
    const p = await broker.publish(message('amq.default', 'spent', 'slow'));
    await receiveOne(broker, 'spent');
    const kept = await waitFor(async () => (await eventDetails(p.id, 'retry_scheduled'))[0], 5000);
    expect(kept).toMatchObject({ deadLetterKept: true, deathReason: 'max_deliveries', otherTier: ['sink'] });
    expect(await eventDetails(p.id, 'dead_lettered')).toEqual([]);
    const d = await depth(broker, 'spent');
    expect(d.ready + d.inFlight + d.delayed).toBe(1);
    expect(await depth(broker, 'sink')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it.each(['durable', 'memory'] as Durability[])('a %s dead letter that its exchange routes to no queue is dropped, and its trace says why', async (durability) => {
    const { broker } = t;
    await broker.declareExchange('nowhere', 'direct');
    await broker.declareQueue('q', { durability, deadLetter: { exchange: 'nowhere', routingKey: 'void' } });
    const p = await broker.publish(message('amq.default', 'q', 'x'));
    await broker.nack('q', [(await receiveOne(broker, 'q')).receipt], { requeue: false });
    const dl = await waitFor(async () => (await eventDetails(p.id, 'dead_lettered'))[0]);
    expect(dl).toMatchObject({ to: [], dropped: true, droppedBecause: "dead-letter exchange 'nowhere' routed key 'void' to no queue" });
  });

  it('deadLetter.routingKey without an exchange is refused (it would be ignored)', async () => {
    const { broker } = t;
    await expect(broker.declareQueue('q26', { deadLetter: { routingKey: 'x26' } })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('deadLetter.routingKey needs deadLetter.exchange'),
    });
    expect((await broker.listQueues()).map((q) => q.name)).not.toContain('q26');
    await broker.declareQueue('x26', { deadLetter: false });
    await broker.declareQueue('q26', { deadLetter: { exchange: 'amq.default', routingKey: 'x26' } });
    const p = await broker.publish(message('amq.default', 'q26', 'm'));
    await broker.nack('q26', [(await receiveOne(broker, 'q26')).receipt], { requeue: false });
    expect((await receiveOne(broker, 'x26')).id).toBe(p.id);
    await sleep(0);
  });
});
