import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { consoleCaller, type ConsoleCaller } from '../../test/console-caller';


/** The overview's "Published" figure is the exchanges' publish rates: this is what it relies on. */
describe.each(drivers)('publish rates on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = consoleCaller(t.broker, driver);
  });
  afterEach(() => t.close());

  it('counts a publish to a queue under the default exchange, and a fan-out once', async () => {
    await t.broker.declareExchange('orders', 'fanout');
    for (const q of ['a', 'b', 'c']) {
      await t.broker.declareQueue(q, {});
      await t.broker.bind({ exchange: 'orders', queue: q, key: '' });
    }
    for (let i = 0; i < 3; i++) {
      await api.queues.publish({ queue: 'a', body: { text: 'direct', contentType: 'text/plain' } });
      await t.broker.publish({ exchange: 'orders', routingKey: '', body: new TextEncoder().encode('fan'), headers: {}, contentType: 'text/plain' });
    }
    await new Promise((r) => setTimeout(r, 1100)); // rates leave the current second out

    const rates = Object.fromEntries((await api.exchanges.list()).map((x) => [x.name, x.publishRate]));
    const perMessage = rates['orders']!;
    expect(perMessage).toBeGreaterThan(0);
    expect(rates['amq.default']).toBeCloseTo(perMessage); // three messages each
    const queues = await api.queues.list();
    const entryRate = queues.filter((q) => ['a', 'b', 'c'].includes(q.name)).reduce((n, q) => n + q.publishRate, 0);
    expect(entryRate).toBeCloseTo(4 * perMessage); // 3 direct + 3×3 fanned out: entries, not messages
  });
});
