import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { message, sleep, startTestBroker, str, type TestBroker } from '../../test/broker';
import { expectCode, waitFor } from '../../test/broker-helpers';
import { drivers, openTestDb } from '../../test/databases';
import type { BrokerError } from './errors';
import { createBroker, replyQueueName } from './broker';
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
      // A reply in time is not late.
      const replied = (await broker.trace(reply.correlationId)).events.find((e) => e.type === 'replied');
      expect(replied?.detail).toEqual({ replyId: reply.id });
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
    // The trace says the request gave up, and that the reply came after it: it reached nobody.
    const trace = await waitFor(async () => {
      const tr = await broker.trace(late!.correlationId);
      return tr.events.some((e) => e.type === 'reply_timeout') && tr;
    });
    expect(trace.events.find((e) => e.type === 'reply_timeout')).toMatchObject({ messageId: late!.id, queue: replyQueue, detail: { timeoutMs: 300 } });
    expect(trace.events.find((e) => e.type === 'replied')).toMatchObject({ messageId: late!.id, detail: { late: true } });
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

  /** How a request settled and when: a hang shows as 'pending' after `withinMs` rather than as a test timeout. */
  const settle = async <T>(p: Promise<T>, withinMs: number) => {
    const started = Date.now();
    const outcome = await Promise.race([
      p.then(
        (value) => ({ value }),
        (error: BrokerError) => ({ error }),
      ),
      sleep(withinMs).then(() => 'pending' as const),
    ]);
    return { outcome, ms: Date.now() - started };
  };
  const replyQueueRows = (db: Db) => db.query('SELECT name FROM queues WHERE name = $1', [replyQueueName('test-node')]);

  describe('stopping the node', () => {
    it('answers a waiting request at once with shutting_down naming the published request, then removes the reply queue', async () => {
      const { broker, db } = t;
      const waiting = broker.request(message('rpc', 'add', 'slow question'), 30_000);
      waiting.catch(() => {});
      // The responder has the request, and will not answer before the node stops.
      const [request] = await waitFor(async () => {
        const got = await broker.receive('rpc.requests', { max: 1, waitMs: 200 });
        return got.length > 0 && got;
      });
      const stopping = broker.stop();
      const { outcome, ms } = await settle(waiting, 3000);
      expect(outcome).toMatchObject({
        error: {
          code: 'shutting_down',
          details: { published: true, messageId: request!.id, correlationId: request!.correlationId },
          message: expect.stringContaining('a responder may still handle it'),
        },
      });
      expect(ms).toBeLessThan(2000);
      await stopping;
      // Nobody waits on the reply queue any more: it is gone (a late reply is refused, not stored).
      expect(await replyQueueRows(db)).toEqual([]);
    });

    it('refuses a request that arrives while the node stops with shutting_down, and publishes nothing', async () => {
      const { broker } = t;
      await broker.request(message('rpc', 'add', 'warm up'), 50).catch(() => {}); // the reply queue and its loop exist
      await broker.stop();
      const { outcome } = await settle(broker.request(message('rpc', 'add', 'too late'), 2000), 3000);
      expect(outcome).toMatchObject({ error: { code: 'shutting_down', details: { published: false } } });
      const stored = await broker.searchMessages({ exchange: 'rpc' });
      expect(stored.messages.map((m) => str(m.body as Uint8Array))).toEqual(['warm up']);
    });

    it('a request whose publish is being written when the node stops is answered shutting_down once it is published', async () => {
      await t.close();
      // A database whose message insert waits for the test's go-ahead.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let held = false;
      const inner = await openTestDb(driver);
      const db: Db = {
        ...inner,
        async query(sql, params) {
          if (/INSERT INTO messages/i.test(sql)) {
            held = true;
            await gate;
          }
          return inner.query(sql, params);
        },
      };
      const broker = createBroker({ db, node: 'test-node', sweepIntervalMs: 100 });
      await broker.start();
      t = { broker, db: inner, close: async () => (await broker.stop(), await inner.close()) };
      await broker.declareExchange('rpc', 'direct');
      await broker.declareQueue('rpc.requests', {});
      await broker.bind({ exchange: 'rpc', queue: 'rpc.requests', key: 'add' });
      const waiting = broker.request(message('rpc', 'add', 'in flight'), 5000);
      waiting.catch(() => {});
      let stopping: Promise<void> | undefined;
      try {
        await waitFor(async () => held);
        stopping = broker.stop(); // the reply side stops at once; the stop then waits for the publish
        await sleep(50);
      } finally {
        release();
      }
      const { outcome, ms } = await settle(waiting, 4000);
      const [stored] = (await broker.searchMessages({ exchange: 'rpc' })).messages;
      expect(outcome).toMatchObject({ error: { code: 'shutting_down', details: { published: true, messageId: stored!.id, correlationId: stored!.correlationId } } });
      expect(ms).toBeLessThan(2000);
      await stopping;
    });
  });

  describe('idempotency keys', () => {
    it('a request whose key was already used is refused at once with duplicate_request naming the first request', async () => {
      const { broker } = t;
      const responder = startResponder(broker, 'rpc.requests', (b) => `answer to ${b}`);
      try {
        const first = await broker.request(message('rpc', 'add', 'q1', { idempotencyKey: 'quote-1' }), 5000);
        expect(str(first.body)).toBe('answer to q1');
        const { outcome, ms } = await settle(broker.request(message('rpc', 'add', 'q1 again', { idempotencyKey: 'quote-1' }), 10_000), 5000);
        const request = (await broker.searchMessages({ exchange: 'rpc' })).messages;
        expect(request).toHaveLength(1);
        expect(outcome).toMatchObject({
          error: {
            code: 'duplicate_request',
            details: { messageId: request[0]!.id, correlationId: first.correlationId, idempotencyKey: 'quote-1' },
            message: expect.stringContaining('new idempotency key'),
          },
        });
        expect(ms).toBeLessThan(2000);
        expect(responder.handled).toEqual([first.correlationId]);
      } finally {
        await responder.stop();
      }
    });

    it('a retry after a timeout with the same key is refused at once, naming the request that timed out', async () => {
      const { broker } = t;
      const timedOut = await settle(broker.request(message('rpc', 'add', 'q2', { idempotencyKey: 'quote-2' }), 300), 3000);
      expect(timedOut.outcome).toMatchObject({ error: { code: 'reply_timeout' } });
      const { correlationId, messageId } = (timedOut.outcome as { error: BrokerError }).error.details as { correlationId: string; messageId: string };
      const { outcome, ms } = await settle(broker.request(message('rpc', 'add', 'q2', { idempotencyKey: 'quote-2' }), 10_000), 5000);
      expect(outcome).toMatchObject({ error: { code: 'duplicate_request', details: { messageId, correlationId } } });
      expect(ms).toBeLessThan(2000);
      // The responder finds the one request, the one that timed out.
      const queued = await broker.receive('rpc.requests', { max: 10, waitMs: 0 });
      expect(queued.map((r) => [r.id, r.correlationId])).toEqual([[messageId, correlationId]]);
    });

    it('two concurrent requests with one key: one gets the reply, the other duplicate_request at once', async () => {
      const { broker } = t;
      const responder = startResponder(broker, 'rpc.requests', (b) => `answer to ${b}`);
      try {
        const [a, b] = await Promise.all(
          ['a', 'b'].map((body) => settle(broker.request(message('rpc', 'add', body, { idempotencyKey: 'quote-3' }), 20_000), 10_000)),
        );
        const answered = [a!, b!].find((s) => 'value' in (s.outcome as object))!;
        const refused = [a!, b!].find((s) => 'error' in (s.outcome as object))!;
        expect(answered, JSON.stringify([a, b])).toBeDefined();
        const reply = (answered.outcome as { value: { correlationId: string } }).value;
        expect(refused.outcome).toMatchObject({ error: { code: 'duplicate_request', details: { correlationId: reply.correlationId } } });
        expect(refused.ms).toBeLessThan(5000);
        expect(responder.handled).toEqual([reply.correlationId]);
      } finally {
        await responder.stop();
      }
    });
  });
});
