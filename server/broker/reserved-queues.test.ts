import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { startResponder } from '../../test/responder';
import { replyQueueName } from './broker';
import { writeBinding } from './pg/topology-write';
import { TopologyStore } from './topology';

describe.each(drivers)("the broker's own reply queue through the API on %s", (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it("refuses to delete, bind or unbind the broker's own reply queue, which keeps serving request-reply", async () => {
    const { broker } = t;
    await broker.declareExchange('pricing', 'direct');
    await broker.declareQueue('price-quotes', {});
    await broker.bind({ exchange: 'pricing', queue: 'price-quotes', key: 'price.quote' });
    const ask = async (sku: string) => {
      const responder = startResponder(broker, 'price-quotes', (b) => `quote for ${b}`);
      try {
        return str((await broker.request(message('pricing', 'price.quote', sku), 5000)).body);
      } finally {
        await responder.stop();
      }
    };
    expect(await ask('A-1')).toBe('quote for A-1'); // this node's reply queue exists from here on
    const own = replyQueueName('test-node');
    await expectCode(broker.deleteQueue(own), 'reserved_name');
    await expect(broker.deleteQueue(own)).rejects.toThrow(`Queue '${own}' is the broker's own (names starting with 'amq.' are reserved): it cannot be deleted through the API`);
    await expectCode(broker.bind({ exchange: 'pricing', queue: own, key: 'price.quote' }), 'reserved_name');
    await expectCode(broker.unbind({ exchange: 'pricing', queue: own, key: 'price.quote' }), 'reserved_name');
    await expectCode(broker.deleteQueue('amq.reply.nobody'), 'queue_not_found');
    expect((await broker.listQueues()).map((q) => q.name)).toContain(own);
    expect(broker.exportDefinitions().bindings).toEqual([{ exchange: 'pricing', queue: 'price-quotes', key: 'price.quote' }]);
    // a message to pricing still reaches only its queue, and requests are still answered
    expect((await broker.publish(message('pricing', 'price.quote', 'B-2'))).queues).toEqual(['price-quotes']);
    const [plain] = await broker.receive('price-quotes', { max: 1, waitMs: 0 });
    await broker.ack('price-quotes', [plain!.receipt]);
    expect(await ask('C-3')).toBe('quote for C-3');
  });

  it('the broker removes its own amq. queue itself; declaring one drops bindings made before the API refused them', async () => {
    const store = new TopologyStore(t.db);
    await store.load();
    await store.declareExchange('pricing', 'direct');
    await store.declareQueue('amq.reply.n1', { deadLetter: false, maxDeliveries: 1 }, { internal: true });
    await writeBinding(t.db, { exchange: 'pricing', queue: 'amq.reply.n1', key: 'price.quote' }); // as an older version let a user do
    await store.load();
    expect(store.snapshot.bindingsByExchange.get('pricing')).toHaveLength(1);
    await store.declareQueue('amq.reply.n1', { deadLetter: false, maxDeliveries: 1 }, { internal: true }); // the node's next start
    expect(store.snapshot.bindingsByExchange.get('pricing') ?? []).toEqual([]);
    await expectCode(store.deleteQueue('amq.reply.n1'), 'reserved_name');
    expect(store.snapshot.queues.has('amq.reply.n1')).toBe(true);
    await store.deleteQueue('amq.reply.n1', { internal: true });
    expect(store.snapshot.queues.has('amq.reply.n1')).toBe(false);
  });

  it('cannot be purged or consumed (receive, ack, nack, extend, release); the node still gets its replies and removes the queue when it stops', async () => {
    const { broker, db } = t;
    await broker.declareExchange('pricing', 'direct');
    await broker.declareQueue('price-quotes', {});
    await broker.bind({ exchange: 'pricing', queue: 'price-quotes', key: 'price.quote' });
    const responder = startResponder(broker, 'price-quotes', (b) => `quote for ${b}`);
    try {
      expect(str((await broker.request(message('pricing', 'price.quote', 'A-1'), 5000)).body)).toBe('quote for A-1');
      const own = replyQueueName('test-node');
      await expectCode(broker.purge(own), 'reserved_name');
      await expectCode(broker.receive(own, { max: 1, waitMs: 0 }), 'reserved_name');
      await expectCode(broker.ack(own, ['x']), 'reserved_name');
      await expectCode(broker.nack(own, ['x'], {}), 'reserved_name');
      await expectCode(broker.extend(own, ['x'], 1000), 'reserved_name');
      await expectCode(broker.release(own, ['x']), 'reserved_name');
      expect(str((await broker.request(message('pricing', 'price.quote', 'B-2'), 5000)).body)).toBe('quote for B-2');
    } finally {
      await responder.stop();
    }
    await broker.stop();
    expect(await db.query('SELECT name FROM queues WHERE name = $1', [replyQueueName('test-node')])).toEqual([]);
  });
});
