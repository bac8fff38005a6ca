import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { DEFAULT_EXCHANGE } from '../broker/names';
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

  it('dead-letters a message its consumer cannot read, and goes on consuming', async () => {
    t = await startTestBroker('pglite');
    stop = await startDemo(t.broker, quiet);
    const bad = (text: string) =>
      t.broker.publish({ exchange: DEFAULT_EXCHANGE, routingKey: 'notification', body: new TextEncoder().encode(text), contentType: 'application/json', headers: {} });
    const deadLetter = async (id: string) => {
      for (let i = 0; i < 60; i++) {
        const found = (await t.broker.browse('notification.dlq', { limit: 1000 })).find((m) => m.id === id);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 250));
      }
      return undefined;
    };
    // An edited replay stored as text with content type application/json: the consumer fails it, once.
    const first = await bad('{"orderId": 42,');
    expect((await deadLetter(first.id))?.death).toMatchObject({ queue: 'notification', reason: 'rejected', lastError: expect.stringMatching(/^body is not JSON: /), attempts: 1 });
    // The consumer is still there: the next bad one is dead-lettered too, and orders keep flowing.
    const second = await bad('null');
    expect((await deadLetter(second.id))?.death).toMatchObject({ reason: 'rejected', lastError: 'body is not a JSON object: null' });
    const n = await t.broker.queueInfo('notification');
    expect(n.consumers).toBeGreaterThan(0);
    expect(n.ready).toBeLessThan(10);
  });

  it('stores price-quote requests, so a trace draws request → reply; an older memory queue is replaced', async () => {
    t = await startTestBroker('pglite');
    // What earlier demo versions declared, left in the data dir.
    await t.broker.declareExchange('pricing', 'direct');
    await t.broker.declareQueue('price-quotes', { durability: 'memory', deadLetter: false });
    await t.broker.bind({ exchange: 'pricing', queue: 'price-quotes', key: 'price.quote' });
    stop = await startDemo(t.broker, quiet);
    expect((await t.broker.queueInfo('price-quotes')).settings.durability).toBe('durable');
    const reply = await t.broker.request(
      { exchange: 'pricing', routingKey: 'price.quote', body: new TextEncoder().encode('{"sku":"B-2"}'), contentType: 'application/json', headers: {} },
      5000,
    );
    const trace = await t.broker.trace(reply.correlationId);
    const request = trace.messages.find((m) => m.exchange === 'pricing');
    expect(request?.routedTo).toEqual(['price-quotes']);
    expect(trace.messages.some((m) => m.id === reply.id)).toBe(true);
  });
});
