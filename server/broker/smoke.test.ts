import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';

describe.each(drivers)('smoke on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it('publish → receive → ack', async () => {
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    await broker.declareQueue('inventory', {});
    await broker.bind({ exchange: 'orders', queue: 'inventory', key: 'order.*' });
    const r = await broker.publish(message('orders', 'order.completed', 'hello'));
    expect(r.queues).toEqual(['inventory']);
    const [d] = await broker.receive('inventory', { max: 10, waitMs: 0 });
    expect(str(d!.body)).toBe('hello');
    expect(d!.attempt).toBe(1);
    expect(await broker.ack('inventory', [d!.receipt])).toEqual({ acked: 1, stale: [] });
  });
});
