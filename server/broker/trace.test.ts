import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { startResponder } from '../../test/responder';
import { replyQueueName } from './broker';
import type { TraceEvent } from './pg/trace-read';

const summary = (events: TraceEvent[]) => events.map((e) => (e.attempt != null ? `${e.type}(${e.attempt})` : e.type));

describe.each(drivers)('traces on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('orders', 'topic');
    await t.broker.declareQueue('billing', { maxDeliveries: 3, retry: { initialDelayMs: 0, jitter: 0 } });
    await t.broker.bind({ exchange: 'orders', queue: 'billing', key: 'order.#' });
  });
  afterEach(async () => t.close());

  it('tells the whole story of a message retried twice, dead-lettered, replayed and acked, in order', async () => {
    const { broker } = t;
    const published = await broker.publish(message('orders', 'order.paid', 'charge me', { correlationId: 'trace-1' }));
    for (const attempt of [1, 2, 3]) {
      const d = await receiveOne(broker, 'billing', { waitMs: 2000 });
      expect(d.attempt).toBe(attempt);
      await broker.nack('billing', [d.receipt], { error: `card declined #${attempt}` });
    }
    expect(await broker.replay('billing.dlq', { ids: [published.id] })).toMatchObject({ replayed: 1 });
    const again = await receiveOne(broker, 'billing', { waitMs: 2000 });
    expect(again).toMatchObject({ id: published.id, attempt: 1, correlationId: 'trace-1' });
    await broker.ack('billing', [again.receipt]);

    const trace = await broker.trace('trace-1');
    expect(trace.messages).toHaveLength(1);
    expect(trace.messages[0]).toMatchObject({ id: published.id, routedTo: ['billing'], replayOf: null, correlationId: 'trace-1' });
    expect(str(trace.messages[0]!.body)).toBe('charge me');
    expect(summary(trace.events)).toEqual([
      'published',
      'routed',
      'delivered(1)',
      'nacked(1)',
      'retry_scheduled(1)',
      'delivered(2)',
      'nacked(2)',
      'retry_scheduled(2)',
      'delivered(3)',
      'nacked(3)',
      'dead_lettered(3)',
      'replayed',
      'delivered(1)',
      'acked(1)',
    ]);
    const times = trace.events.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(trace.events.every((e) => e.messageId === published.id && e.exchange === 'orders')).toBe(true);

    const [pub, routed] = trace.events;
    expect(pub).toMatchObject({ queue: null, detail: { routingKey: 'order.paid', replayOf: null } });
    expect(routed).toMatchObject({ detail: { queues: ['billing'] } });
    // Every step names the node that took it, the publish too (its node is kept on the message row).
    expect(trace.events.map((e) => e.node)).toEqual(trace.events.map(() => 'test-node'));
    const lifecycle = trace.events.slice(2);
    expect(lifecycle.every((e) => e.node === 'test-node')).toBe(true);
    const nacks = trace.events.filter((e) => e.type === 'nacked');
    expect(nacks.map((e) => e.detail)).toEqual([1, 2, 3].map((n) => ({ error: `card declined #${n}` })));
    expect(nacks.every((e) => e.queue === 'billing')).toBe(true);
    const retries = trace.events.filter((e) => e.type === 'retry_scheduled');
    expect(retries.map((e) => e.detail)).toEqual([{ delayMs: 0 }, { delayMs: 0 }]);
    const dead = trace.events.find((e) => e.type === 'dead_lettered')!;
    expect(dead).toMatchObject({
      queue: 'billing',
      attempt: 3,
      detail: { reason: 'max_deliveries', lastError: 'card declined #3', to: ['billing.dlq'], dropped: false },
    });
    const replayed = trace.events.find((e) => e.type === 'replayed')!;
    expect(replayed).toMatchObject({ queue: 'billing.dlq', detail: { to: ['billing'], newMessageId: null } });
    expect(trace.events.filter((e) => e.type === 'delivered').every((e) => e.queue === 'billing')).toBe(true);
  });

  it('links an edited replay (a new message) to the original through replayOf, under the same correlation ID', async () => {
    const { broker } = t;
    const original = await broker.publish(message('orders', 'order.paid', 'v1', { correlationId: 'trace-2' }));
    const d = await receiveOne(broker, 'billing');
    await broker.nack('billing', [d.receipt], { requeue: false, error: 'bad body' });
    await broker.replay('billing.dlq', { ids: [original.id], edit: { body: new TextEncoder().encode('v2') } });
    const trace = await broker.trace('trace-2');
    expect(trace.messages).toHaveLength(2);
    const copy = trace.messages.find((m) => m.id !== original.id)!;
    expect(copy).toMatchObject({ replayOf: original.id, routedTo: ['billing'], correlationId: 'trace-2' });
    expect(str(copy.body)).toBe('v2');
    const replayed = trace.events.find((e) => e.type === 'replayed')!;
    expect(replayed).toMatchObject({ messageId: original.id, detail: { newMessageId: copy.id } });
    const copyPublished = trace.events.find((e) => e.type === 'published' && e.messageId === copy.id)!;
    expect(copyPublished.detail).toMatchObject({ replayOf: original.id });
    expect(summary(trace.events.filter((e) => e.messageId === original.id))).toEqual([
      'published',
      'routed',
      'delivered(1)',
      'nacked(1)',
      'dead_lettered(1)',
      'replayed',
    ]);
    expect(trace.events.find((e) => e.type === 'dead_lettered')!.detail).toMatchObject({ reason: 'rejected', lastError: 'bad body' });
  });

  it('a replayed copy of a message sent to its own return address is no reply to it', async () => {
    const { broker } = t;
    await broker.declareQueue('answers', {});
    // the message reaches its return address too, so a replay there is a copy (a new message)
    await broker.bind({ exchange: 'orders', queue: 'answers', key: 'order.#' });
    const original = await broker.publish(message('orders', 'order.paid', 'ask', { correlationId: 'trace-copy', replyTo: 'answers' }));
    const d = await receiveOne(broker, 'billing');
    await broker.nack('billing', [d.receipt], { requeue: false });
    expect(await broker.replay('billing.dlq', { ids: [original.id], target: { queue: 'answers' } })).toMatchObject({ replayed: 1 });
    const trace = await broker.trace('trace-copy');
    const copy = trace.messages.find((m) => m.id !== original.id)!;
    expect(copy).toMatchObject({ replayOf: original.id, routedTo: ['answers'] });
    expect(trace.events.filter((e) => e.type === 'replied')).toEqual([]);
    // a real reply is still one: to the copy, the later of the two that asked (the original died unanswered)
    const answer = await broker.publish(message('amq.default', 'answers', 'answer', { correlationId: 'trace-copy' }));
    const replied = (await broker.trace('trace-copy')).events.filter((e) => e.type === 'replied');
    expect(replied.map((e) => [e.messageId, e.detail])).toEqual([[copy.id, { replyId: answer.id }]]);
  });

  it('a second reply to the same request is linked too, and says it is the second', async () => {
    const { broker } = t;
    await broker.declareQueue('answers', {});
    const ask = await broker.publish(message('orders', 'order.paid', 'ask', { correlationId: 'trace-twice', replyTo: 'answers' }));
    const first = await broker.publish(message('amq.default', 'answers', 'yes', { correlationId: 'trace-twice' }));
    const second = await broker.publish(message('amq.default', 'answers', 'yes again', { correlationId: 'trace-twice' }));
    const replied = (await broker.trace('trace-twice')).events.filter((e) => e.type === 'replied');
    expect(replied.map((e) => [e.messageId, e.detail])).toEqual([
      [ask.id, { replyId: first.id }],
      [ask.id, { replyId: second.id, nth: 2 }],
    ]);
  });

  it('links a request to its reply with a replied event', async () => {
    const { broker } = t;
    await broker.declareQueue('rpc', {});
    const responder = startResponder(broker, 'rpc', (b) => b.toUpperCase());
    let correlationId: string;
    try {
      const reply = await broker.request(message('amq.default', 'rpc', 'ping'), 5000);
      correlationId = reply.correlationId;
      expect(str(reply.body)).toBe('PING');
    } finally {
      await responder.stop();
    }
    // The request resolves as soon as the reply is received; the reply consumer acks it just after.
    const trace = await waitFor(async () => {
      const read = await broker.trace(correlationId);
      return read.events.some((e) => e.type === 'acked' && e.queue === replyQueueName('test-node')) ? read : null;
    });
    expect(trace.messages).toHaveLength(2);
    const request = trace.messages.find((m) => m.routedTo.includes('rpc'))!;
    const reply = trace.messages.find((m) => m.id !== request.id)!;
    expect(request.replyTo).toBe(replyQueueName('test-node'));
    expect(reply.routedTo).toEqual([replyQueueName('test-node')]);
    const replied = trace.events.filter((e) => e.type === 'replied');
    expect(replied).toHaveLength(1);
    expect(replied[0]).toMatchObject({ messageId: request.id, queue: replyQueueName('test-node'), detail: { replyId: reply.id } });
    // The reply was consumed (acked) by the requesting node's reply consumer.
    expect(trace.events.some((e) => e.type === 'acked' && e.messageId === reply.id && e.queue === replyQueueName('test-node'))).toBe(true);
    expect(trace.events.some((e) => e.type === 'acked' && e.messageId === request.id && e.queue === 'rpc')).toBe(true);
    // In causal order: the request is published and delivered before its reply is published and routed.
    const index = (type: string, id: string) => trace.events.findIndex((e) => e.type === type && e.messageId === id);
    expect(index('published', request.id)).toBeLessThan(index('delivered', request.id));
    expect(index('delivered', request.id)).toBeLessThan(index('published', reply.id));
    expect(index('published', reply.id)).toBeLessThan(index('delivered', reply.id));
    expect(index('published', reply.id)).toBeLessThanOrEqual(trace.events.indexOf(replied[0]!));
    expect(index('delivered', reply.id)).toBeLessThan(index('acked', reply.id));
  });

  it('shows unroutable and deduplicated publishes; an unknown correlation ID has an empty trace', async () => {
    const { broker } = t;
    await broker.publish(message('orders', 'nobody.listens', 'lost', { correlationId: 'trace-3' }));
    const first = await broker.publish(message('orders', 'order.x', 'once', { correlationId: 'trace-4', idempotencyKey: 'k1' }));
    const repeat = await broker.publish(message('orders', 'order.x', 'once', { correlationId: 'trace-4', idempotencyKey: 'k1' }));
    expect(repeat).toMatchObject({ id: first.id, duplicate: true });
    expect(summary((await broker.trace('trace-3')).events)).toEqual(['published', 'unroutable']);
    const dedup = await broker.trace('trace-4');
    expect(summary(dedup.events)).toEqual(['published', 'routed', 'deduplicated']);
    expect(dedup.events[2]!.detail).toEqual({ idempotencyKey: 'k1' });
    expect(await broker.trace('no-such-correlation')).toEqual({ messages: [], events: [] });
  });
});
