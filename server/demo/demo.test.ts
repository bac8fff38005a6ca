import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { startDemo } from './demo';

const quiet = { info() {}, warn() {}, error() {} };

describe('demo mode', () => {
  let t: TestBroker;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    await t.close();
  });

  it('runs the order example: fan-out, a fast and a slow consumer, dead letters, and request-reply', async () => {
    t = await startTestBroker('pglite');
    stop = await startDemo(t.broker, quiet);
    const info = async (q: string) => t.broker.queueInfo(q);
    let dead = 0;
    for (let i = 0; i < 80 && dead === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const d = await info('notification.dlq');
      dead = d.ready + d.inFlight + d.delayed;
    }
    // every seventh order fails three times and lands in the DLQ with its reason
    expect(dead).toBeGreaterThan(0);
    const [letter] = await t.broker.browse('notification.dlq', { limit: 1 });
    expect(letter!.death).toMatchObject({ queue: 'notification', reason: 'max_deliveries', lastError: 'SMTP timeout', attempts: 3 });
    // the slow shipping consumer falls behind while inventory keeps up
    const [inventory, shipping] = await Promise.all([info('inventory'), info('shipping')]);
    expect(shipping.ready + shipping.inFlight).toBeGreaterThan(inventory.ready + inventory.inFlight);
    // the pricing responder answers requests on their return address
    const reply = await t.broker.request(
      { exchange: 'pricing', routingKey: 'price.quote', body: new TextEncoder().encode('{"sku":"A-1"}'), contentType: 'application/json', headers: {} },
      5000,
    );
    expect(JSON.parse(new TextDecoder().decode(reply.body))).toEqual({ sku: 'A-1', price: 9.99 });
  });
});
