import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { declareOrdersToWork, rejectIntoWorkDlq } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';

/**
 * A dead-letter queue's publishRate counts the dead letters arriving in it, as a routed publish
 * counts for its queue (an operator watching a DLQ grow saw 0/s).
 */
describe.each(drivers)('dead letters count as coming into their queue (%s)', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  /** The queues' publishRate once every second so far is complete (rates leave out the current one). */
  const rates = async (...queues: string[]) => {
    await sleep(1000 - (Date.now() % 1000) + 20);
    return Promise.all(queues.map(async (q) => (await t.broker.queueInfo(q)).publishRate));
  };

  for (const durability of ['durable', 'memory'] as const) {
    it(`on the ${durability} tier, in the queue it moved to and nowhere else`, async () => {
      await declareOrdersToWork(t.broker, durability);
      await t.broker.declareQueue('idle', { durability });
      await rejectIntoWorkDlq(t.broker, 'bad', 'worse', 'worst');
      // three published into work, the same three dead-lettered into work.dlq
      const [work, dlq, idle] = await rates('work', 'work.dlq', 'idle');
      expect(work).toBeGreaterThan(0);
      expect(dlq).toBe(work);
      expect(idle).toBe(0);
    });
  }

  it('a dead-letter exchange fanning out counts in each queue it reaches', async () => {
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    await broker.declareExchange('failed', 'fanout');
    for (const q of ['audit', 'alerts']) {
      await broker.declareQueue(q, { deadLetter: false });
      await broker.bind({ exchange: 'failed', queue: q, key: '' });
    }
    await broker.declareQueue('work', { deadLetter: { exchange: 'failed' } });
    await broker.bind({ exchange: 'orders', queue: 'work', key: 'order.*' });
    await rejectIntoWorkDlq(broker, 'bad', 'worse');
    const [work, audit, alerts] = await rates('work', 'audit', 'alerts');
    expect(work).toBeGreaterThan(0);
    expect([audit, alerts]).toEqual([work, work]);
  });
});
