import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import { DEFAULT_EXCHANGE } from '../broker/names';
import { pause } from '../pause';
import { nextOrderId, readOrder, type Order } from './orders';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * A consumer that receives in batches and acks or nacks each message by `fail`'s verdict. A
 * message it cannot read (not JSON, not an object: an edited replay can be anything) is a failure
 * of that message alone: nacked without requeue, so it goes to the DLQ with the reason, and the
 * consumer goes on with the next one.
 */
async function consume(
  broker: Broker,
  queue: string,
  signal: AbortSignal,
  o: { batch: number; workMs: number; fail?: (order: Order) => string | null },
): Promise<void> {
  while (!signal.aborted) {
    const got = await broker.receive(queue, { max: o.batch, waitMs: 5000, consumer: `demo-${queue}`, signal });
    for (const m of got) {
      await pause(o.workMs, signal);
      const read = readOrder(m.body);
      if ('error' in read) {
        await broker.nack(queue, [m.receipt], { error: read.error, requeue: false });
        continue;
      }
      const error = o.fail?.(read.order) ?? null;
      if (error) await broker.nack(queue, [m.receipt], { error });
      else await broker.ack(queue, [m.receipt]);
    }
  }
}

/**
 * Demo mode: the order example topology with simulated services running in this process, so
 * a newcomer sees a living system within seconds. Pub/sub (one event, three queues), fast and
 * slow consumers, dead letters, and request-reply (price quotes).
 */
export async function startDemo(broker: Broker, log: Logger): Promise<() => Promise<void>> {
  await broker.declareExchange('orders', 'topic');
  await broker.declareExchange('pricing', 'direct');
  const retry = { initialDelayMs: 500, maxDelayMs: 4000, multiplier: 2, jitter: 0.2 };
  for (const q of ['inventory', 'shipping', 'notification']) {
    await broker.declareQueue(q, { maxDeliveries: 3, retry });
    await broker.bind({ exchange: 'orders', queue: q, key: 'order.completed' });
  }
  // Stored (the default tier), so a trace shows the request as well as its reply. Earlier demos
  // declared it in memory; a queue's tier cannot change in place, so that one is replaced.
  const quotes = broker.exportDefinitions().queues.find((q) => q.name === 'price-quotes');
  if (quotes?.settings.durability === 'memory') await broker.deleteQueue('price-quotes');
  // Unanswered requests (a restart) are dropped after a minute: their requester stopped waiting long before.
  await broker.declareQueue('price-quotes', { deadLetter: false, messageTtlMs: 60_000 });
  await broker.bind({ exchange: 'pricing', queue: 'price-quotes', key: 'price.quote' });

  const stop = new AbortController();
  const { signal } = stop;
  // A service that fails (the broker refused a call: a queue deleted by hand, a database hiccup)
  // is started again after a pause, longer each time it fails soon after starting: a demo lives on.
  const guard = async (name: string, run: () => Promise<void>) => {
    let wait = 1000;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        await run();
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (Date.now() - started > 60_000) wait = 1000;
        log.warn({ err }, `demo ${name} failed; starting it again in ${wait / 1000} s`);
        await pause(wait, signal);
        wait = Math.min(wait * 2, 30_000);
      }
    }
  };
  // Order numbers follow the clock (orders.ts), so a restart does not repeat idempotency keys.
  let orderId = 0;
  const loops = [
    guard('producer', async () => {
      while (!signal.aborted) {
        const id = (orderId = nextOrderId(orderId, Date.now()));
        await broker.publish({
          exchange: 'orders',
          routingKey: 'order.completed',
          body: json({ orderId: id, total: Math.round(Math.random() * 20000) / 100, items: 1 + (id % 4) }),
          contentType: 'application/json',
          headers: { tenant: id % 3 === 0 ? 'acme' : 'globex' },
          idempotencyKey: `order-${id}-completed`,
        });
        await pause(400, signal);
      }
    }),
    // fast: keeps its queue near empty
    guard('inventory', () => consume(broker, 'inventory', signal, { batch: 10, workMs: 5 })),
    // slow: its backlog and oldest age grow while inventory's do not
    guard('shipping', () => consume(broker, 'shipping', signal, { batch: 1, workMs: 900 })),
    // flaky: every seventh order fails until it lands in notification.dlq
    guard('notification', () =>
      consume(broker, 'notification', signal, { batch: 5, workMs: 20, fail: (b) => (typeof b.orderId === 'number' && b.orderId % 7 === 0 ? 'SMTP timeout' : null) }),
    ),
    // request-reply responder: answers price quotes on the request's return address
    guard('pricing', async () => {
      while (!signal.aborted) {
        const got = await broker.receive('price-quotes', { max: 10, waitMs: 5000, consumer: 'demo-pricing', signal });
        for (const m of got) {
          // A request it cannot read is answered without a SKU rather than ending the responder.
          const read = readOrder(m.body);
          const sku = 'order' in read && typeof read.order.sku === 'string' ? read.order.sku : null;
          if (m.replyTo) {
            await broker.publish({
              exchange: DEFAULT_EXCHANGE,
              routingKey: m.replyTo,
              body: json({ sku, price: 9.99 }),
              contentType: 'application/json',
              headers: {},
              correlationId: m.correlationId,
            });
          }
          await broker.ack('price-quotes', [m.receipt]);
        }
      }
    }),
    guard('quote client', async () => {
      while (!signal.aborted) {
        await pause(3000, signal);
        if (signal.aborted) break;
        await broker
          .request({ exchange: 'pricing', routingKey: 'price.quote', body: json({ sku: `SKU-${orderId % 50}` }), contentType: 'application/json', headers: {} }, 5000)
          .catch((err) => log.warn({ err }, 'demo quote request failed'));
      }
    }),
  ];
  log.info({}, 'demo mode: order example running (orders → inventory, shipping, notification; pricing request-reply)');
  return async () => {
    stop.abort();
    await Promise.all(loops);
  };
}
