import { describe, expect, it } from 'vitest';
import { message, sleep } from '../../test/broker';
import { depth } from '../../test/broker-helpers';
import { drivers, openTestDb } from '../../test/databases';
import { createBroker, replyQueueName } from './broker';
import { DEFAULT_EXCHANGE } from './names';

/**
 * A process displaced from its node id (another process registered it while this one was
 * silent) leaves the node's reply queue alone: it takes none of the new owner's replies, and
 * does not delete the queue when it stops.
 */
describe.each(drivers)("a displaced node and its reply queue, on %s", (driver) => {
  it('consumes nothing from it while displaced, and leaves it when it stops', async () => {
    const db = await openTestDb(driver);
    let owned = true;
    const broker = createBroker({ db, node: 'n1', sweepIntervalMs: 100, ownsNodeId: () => owned });
    try {
      await broker.start();
      await broker.declareExchange('rpc', 'direct');
      await broker.declareQueue('rpc.requests', {});
      await broker.bind({ exchange: 'rpc', queue: 'rpc.requests', key: 'q' });
      // A request that nobody answers starts the node's reply queue and its consumer.
      await expect(broker.request(message('rpc', 'q', 'ask'), 200)).rejects.toMatchObject({ code: 'reply_timeout' });
      const replies = replyQueueName('n1');
      owned = false;
      await sleep(600); // the consumer's current poll may still take what arrives at once
      await broker.publish({ ...message(DEFAULT_EXCHANGE, replies, 'for the new owner'), correlationId: 'c-1' });
      await sleep(1500);
      expect(await depth(broker, replies)).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
      await broker.stop();
      const left = await db.query('SELECT name FROM queues WHERE name = $1', [replies]);
      expect(left).toHaveLength(1);
    } finally {
      await broker.stop().catch(() => {});
      await db.close();
    }
  });

  it("forgetNode deletes a gone node's reply queue with its replies, once; never this node's own", async () => {
    const db = await openTestDb(driver);
    const broker = createBroker({ db, node: 'n1', sweepIntervalMs: 100 });
    let goneOwns = true;
    const gone = createBroker({ db, node: 'gone', sweepIntervalMs: 100, ownsNodeId: () => goneOwns });
    try {
      await broker.start();
      await gone.start();
      await broker.declareExchange('rpc', 'direct');
      await broker.declareQueue('rpc.requests', {});
      await broker.bind({ exchange: 'rpc', queue: 'rpc.requests', key: 'q' });
      await expect(gone.request(message('rpc', 'q', 'ask'), 200)).rejects.toMatchObject({ code: 'reply_timeout' });
      await expect(broker.request(message('rpc', 'q', 'ask'), 200)).rejects.toMatchObject({ code: 'reply_timeout' });
      // 'gone' ends without removing its queue, as a killed process does; a late reply waits there.
      goneOwns = false;
      await gone.stop();
      await broker.publish({ ...message(DEFAULT_EXCHANGE, replyQueueName('gone'), 'late'), correlationId: 'c-late' });
      expect(await broker.forgetNode('gone')).toBe(true);
      expect(await db.query('SELECT name FROM queues WHERE name = $1', [replyQueueName('gone')])).toHaveLength(0);
      expect(await broker.forgetNode('gone')).toBe(false);
      expect(await broker.forgetNode('n1')).toBe(false);
      expect(await db.query('SELECT name FROM queues WHERE name = $1', [replyQueueName('n1')])).toHaveLength(1);
    } finally {
      await gone.stop().catch(() => {});
      await broker.stop().catch(() => {});
      await db.close();
    }
  });
});
