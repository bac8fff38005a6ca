import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { startResponder } from '../../test/responder';
import { replyQueueName } from './broker';

describe.each(drivers)("the broker's own reply queue through the API on %s", (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

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
