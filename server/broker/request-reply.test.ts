import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { replyQueueName } from './broker';
import { DEFAULT_EXCHANGE } from './names';
import { startResponder } from '../../test/responder';

describe.each(drivers)('request-reply on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('rpc', 'direct');
    await t.broker.declareQueue('rpc.requests', {});
    await t.broker.bind({ exchange: 'rpc', queue: 'rpc.requests', key: 'add' });
  });
  afterEach(async () => t.close());

  it('resolves with the reply published to replyTo with the same correlation ID', async () => {
    const { broker } = t;
    const responder = startResponder(broker, 'rpc.requests', (b) => `sum of ${b}`);
    try {
      const reply = await broker.request(message('rpc', 'add', '1+2', { contentType: 'text/plain' }), 5000);
      expect(str(reply.body)).toBe('sum of 1+2');
      expect(reply.contentType).toBe('application/x-reply');
      expect(reply.headers).toEqual({ responder: 'yes' });
      expect(reply.queue).toBe(replyQueueName('test-node'));
      expect(responder.handled).toEqual([reply.correlationId]);
      // The request as stored carries that correlation ID and this node's reply queue as return address.
      const found = await broker.searchMessages({ correlationId: reply.correlationId });
      const request = found.messages.find((m) => m.exchange === 'rpc')!;
      expect(request).toMatchObject({ routingKey: 'add', replyTo: replyQueueName('test-node'), routedTo: ['rpc.requests'] });
      expect(found.messages).toHaveLength(2);
    } finally {
      await responder.stop();
    }
  });

  it('times out with reply_timeout when nobody answers, and a late reply is dropped', async () => {
    const { broker } = t;
    const started = Date.now();
    const failed = broker.request(message('rpc', 'add', 'nobody home'), 300);
    await expectCode(failed, 'reply_timeout');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    await failed.catch((e) => expect(e.details).toMatchObject({ timeoutMs: 300 }));
    // The request itself was stored and waits for a responder.
    const [late] = await broker.receive('rpc.requests', { max: 1, waitMs: 0 });
    expect(late).toBeDefined();
    await broker.publish(message(DEFAULT_EXCHANGE, late!.replyTo!, 'too late', { correlationId: late!.correlationId }));
    // The reply consumer takes it and acks it: the reply queue empties though nobody waits.
    const replyQueue = replyQueueName('test-node');
    const deadline = Date.now() + 3000;
    let info = await broker.queueInfo(replyQueue);
    while ((info.ready > 0 || info.inFlight > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      info = await broker.queueInfo(replyQueue);
    }
    expect(info).toMatchObject({ ready: 0, inFlight: 0 });
  });

  it('two concurrent requests each get their own reply', async () => {
    const { broker } = t;
    const responder = startResponder(broker, 'rpc.requests', (b) => `echo:${b}`);
    try {
      const bodies = ['alpha', 'beta', 'gamma', 'delta'];
      const replies = await Promise.all(bodies.map((b) => broker.request(message('rpc', 'add', b), 5000)));
      expect(replies.map((r) => str(r.body))).toEqual(bodies.map((b) => `echo:${b}`));
      expect(new Set(replies.map((r) => r.correlationId)).size).toBe(bodies.length);
      expect([...responder.handled].sort()).toEqual(replies.map((r) => r.correlationId).sort());
    } finally {
      await responder.stop();
    }
  });

  it('sequential requests are each answered at once: no long-poll wake-up is lost', async () => {
    const { broker } = t;
    // Long waits on both sides: a lost wake-up would only be noticed at the 1 s re-check (answers take ~10–50 ms).
    const responder = startResponder(broker, 'rpc.requests', (b) => b, { waitMs: 20_000 });
    try {
      const took: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = Date.now();
        expect(str((await broker.request(message('rpc', 'add', `n${i}`), 5000)).body)).toBe(`n${i}`);
        took.push(Date.now() - started);
      }
      expect(Math.max(...took), took.join(' ')).toBeLessThan(900);
    } finally {
      await responder.stop();
    }
  });

  it('a request to an unroutable key fails with unroutable at once and stores nothing', async () => {
    const { broker } = t;
    const started = Date.now();
    await expectCode(broker.request(message('rpc', 'nobody.listens', 'x'), 5000), 'unroutable');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await broker.searchMessages({ exchange: 'rpc' })).messages).toEqual([]);
  });

  it('refuses a timeout out of range and an unknown exchange', async () => {
    const { broker } = t;
    await expectCode(broker.request(message('rpc', 'add', 'x'), 0), 'validation_failed');
    await expectCode(broker.request(message('rpc', 'add', 'x'), 300_001), 'validation_failed');
    await expectCode(broker.request(message('nope', 'add', 'x'), 1000), 'exchange_not_found');
  });
});
