import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, str, text, type TestBroker } from '../../test/broker';
import { depth, drain, expectCode, receiveOne } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';

describe.each(drivers)('publish on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('orders', 'fanout');
    await t.broker.declareExchange('billing', 'fanout');
    await t.broker.declareQueue('q', {});
    await t.broker.bind({ exchange: 'orders', queue: 'q', key: '' });
    await t.broker.bind({ exchange: 'billing', queue: 'q', key: '' });
  });
  afterEach(async () => t.close());

  const storedWithKey = async (key: string) =>
    (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE idempotency_key = $1', [key]))[0]!.n;

  it('carries body, content type, headers, reply-to and correlation ID to the consumer', async () => {
    const { broker } = t;
    const body = new Uint8Array([0, 1, 2, 255, 254]);
    const r = await broker.publish({
      exchange: 'orders',
      routingKey: 'order.created',
      body,
      contentType: 'application/octet-stream',
      headers: { tenant: 'acme' },
      correlationId: 'corr-1',
      replyTo: 'replies',
    });
    expect(r).toMatchObject({ correlationId: 'corr-1', queues: ['q'], duplicate: false });
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    const d = await receiveOne(broker, 'q');
    expect(d).toMatchObject({
      id: r.id,
      correlationId: 'corr-1',
      replyTo: 'replies',
      contentType: 'application/octet-stream',
      headers: { tenant: 'acme' },
      routingKey: 'order.created',
      attempt: 1,
      death: null,
    });
    expect([...d.body]).toEqual([...body]);
    expect(d.publishedAt).toBeInstanceOf(Date);
    expect(Math.abs(d.publishedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('persistent: false is stored and handed on', async () => {
    const { broker } = t;
    await broker.publish(message('orders', 'k', 'fast', { persistent: false }));
    await broker.publish(message('orders', 'k', 'safe'));
    expect((await drain(broker, 'q')).map((d) => [str(d.body), d.persistent])).toEqual([
      ['fast', false],
      ['safe', true],
    ]);
  });

  it('generates a correlation ID, or takes the trace-id of a traceparent', async () => {
    const { broker } = t;
    const a = await broker.publish(message('orders', 'k', 'a'));
    const b = await broker.publish(message('orders', 'k', 'b'));
    expect(a.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.correlationId).not.toBe(b.correlationId);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const c = await broker.publish(message('orders', 'k', 'c', { traceparent }));
    expect(c.correlationId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const got = await drain(broker, 'q');
    expect(got.map((d) => d.correlationId)).toEqual([a.correlationId, b.correlationId, c.correlationId]);
    expect(got[2]!.traceparent).toBe(traceparent);
  });

  it('an idempotency key seen twice: the second answer is a duplicate with the first id and routes nothing', async () => {
    const { broker } = t;
    const first = await broker.publish(message('orders', 'k', 'first', { idempotencyKey: 'key-1', correlationId: 'c-1' }));
    const second = await broker.publish(message('orders', 'k', 'second', { idempotencyKey: 'key-1', correlationId: 'c-2' }));
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ id: first.id, correlationId: 'c-1', queues: [], duplicate: true });
    const got = await drain(broker, 'q');
    expect(got.map((d) => str(d.body))).toEqual(['first']);
    expect(await storedWithKey('key-1')).toBe(1);
  });

  it('the same key published concurrently is stored once and every answer carries the same id', async () => {
    const { broker } = t;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => broker.publish(message('orders', 'k', `copy ${i}`, { idempotencyKey: 'race' }))),
    );
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(1);
    expect(new Set(results.map((r) => r.correlationId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.duplicate).every((r) => r.queues.length === 0)).toBe(true);
    expect(await storedWithKey('race')).toBe(1);
    const got = await drain(broker, 'q');
    expect(got).toHaveLength(1);
    expect(got[0]!.id).toBe(results[0]!.id);
  });

  it('concurrent publishes of one key from two brokers on one database are stored once', async () => {
    const { createBroker } = await import('./broker');
    const other = createBroker({ db: t.db, node: 'other-node', sweepIntervalMs: 100 });
    await other.start();
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : t.broker).publish(message('orders', 'k', `copy ${i}`, { idempotencyKey: 'two-nodes' })),
        ),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await storedWithKey('two-nodes')).toBe(1);
      expect((await drain(t.broker, 'q')).length).toBe(1);
    } finally {
      await other.stop();
    }
  });

  it('an idempotency key is forgotten after the dedup window', async () => {
    const short = await startTestBroker(driver, { dedupWindowMs: 700 });
    try {
      const { broker } = short;
      await broker.declareQueue('q', {});
      const a = await broker.publish(message('amq.default', 'q', 'first', { idempotencyKey: 'window' }));
      expect((await broker.publish(message('amq.default', 'q', 'dup', { idempotencyKey: 'window' }))).duplicate).toBe(true);
      await sleep(850);
      const b = await broker.publish(message('amq.default', 'q', 'after', { idempotencyKey: 'window' }));
      expect(b.duplicate).toBe(false);
      expect(b.id).not.toBe(a.id);
      expect((await drain(broker, 'q')).map((d) => str(d.body))).toEqual(['first', 'after']);
      const c = await broker.publish(message('amq.default', 'q', 'dup again', { idempotencyKey: 'window' }));
      expect(c).toMatchObject({ id: b.id, duplicate: true });
    } finally {
      await short.close();
    }
  });

  it('idempotency keys are per exchange', async () => {
    const { broker } = t;
    const a = await broker.publish(message('orders', 'k', 'orders', { idempotencyKey: 'shared' }));
    const b = await broker.publish(message('billing', 'k', 'billing', { idempotencyKey: 'shared' }));
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(false);
    expect(b.id).not.toBe(a.id);
    const c = await broker.publish(message('billing', 'k', 'again', { idempotencyKey: 'shared' }));
    expect(c).toMatchObject({ id: b.id, duplicate: true });
    expect((await drain(broker, 'q')).map((d) => str(d.body))).toEqual(['orders', 'billing']);
  });

  it('a key repeated inside one batch is stored once', async () => {
    const { broker } = t;
    const results = await broker.publishBatch([
      message('orders', 'k', 'one', { idempotencyKey: 'b' }),
      message('orders', 'k', 'two', { idempotencyKey: 'b' }),
      message('orders', 'k', 'three'),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([false, true, false]);
    expect(results[1]!.id).toBe(results[0]!.id);
    expect((await drain(broker, 'q')).map((d) => str(d.body))).toEqual(['one', 'three']);
  });

  it('a batch answers in order', async () => {
    const { broker } = t;
    const results = await broker.publishBatch(['a', 'b', 'c'].map((b) => message('orders', 'k', b, { correlationId: `c-${b}` })));
    expect(results.map((r) => r.correlationId)).toEqual(['c-a', 'c-b', 'c-c']);
    const got = await drain(broker, 'q');
    expect(got.map((d) => d.id)).toEqual(results.map((r) => r.id));
    expect(got.map((d) => str(d.body))).toEqual(['a', 'b', 'c']);
  });

  it('a batch is all or nothing: one mandatory unroutable message rejects the whole batch', async () => {
    const { broker } = t;
    await broker.declareExchange('direct', 'direct');
    await broker.bind({ exchange: 'direct', queue: 'q', key: 'bound' });
    await expectCode(
      broker.publishBatch([
        message('orders', 'k', 'would route', { idempotencyKey: 'in-failed-batch' }),
        message('direct', 'bound', 'would route too'),
        message('direct', 'unbound', 'refused', { mandatory: true }),
      ]),
      'unroutable',
    );
    expect(await depth(broker, 'q')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages'))[0]!.n).toBe(0);
    // the idempotency key of the failed batch was not consumed
    const retried = await broker.publish(message('orders', 'k', 'now', { idempotencyKey: 'in-failed-batch' }));
    expect(retried.duplicate).toBe(false);
    expect((await drain(broker, 'q')).map((d) => str(d.body))).toEqual(['now']);
  });

  it('a batch with an invalid message stores nothing', async () => {
    const { broker } = t;
    await expectCode(
      broker.publishBatch([message('orders', 'k', 'fine'), message('orders', 'k', 'bad delay', { delayMs: -5 })]),
      'validation_failed',
    );
    expect(await depth(broker, 'q')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('refuses a NUL character in stored text, and a header name no HTTP header can carry, without failing the publishes committed alongside it', async () => {
    const { broker } = t;
    const results = await Promise.allSettled([
      broker.publish(message('orders', 'k', 'innocent 1')),
      broker.publish(message('orders', 'k', 'bad header', { headers: { a: 'x\u0000y' } })),
      broker.publish(message('orders', 'k', 'bad header name', { headers: { ['a\u0000']: 'x' } })),
      broker.publish(message('orders', 'k', 'header name with a space', { headers: { 'Bad Name': 'x' } })),
      broker.publish(message('orders', 'k', 'header name not ASCII', { headers: { 'név': 'x' } })),
      broker.publish(message('orders', 'k', 'bad type', { contentType: 'text/\u0000' })),
      broker.publish(message('orders', 'k', 'bad correlation', { correlationId: 'c\u0000' })),
      broker.publish(message('orders', 'k', 'bad key', { idempotencyKey: '\u0000' })),
      broker.publish(message('orders', 'k', 'innocent 2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'BrokerError', code: 'validation_failed' });
    expect((await drain(broker, 'q')).map((d) => str(d.body))).toEqual(['innocent 1', 'innocent 2']);
  });

  it('delayMs: not receivable before the delay, receivable after', async () => {
    const { broker } = t;
    const started = Date.now();
    await broker.publish(message('orders', 'k', 'later', { delayMs: 800 }));
    await broker.publish(message('orders', 'k', 'now'));
    const first = await broker.receive('q', { max: 10, waitMs: 0 });
    expect(first.map((d) => str(d.body))).toEqual(['now']);
    expect(await depth(broker, 'q')).toEqual({ ready: 0, inFlight: 1, delayed: 1 });
    await sleep(100);
    expect(await broker.receive('q', { max: 10, waitMs: 0 })).toEqual([]);
    await sleep(800);
    const later = await broker.receive('q', { max: 10, waitMs: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(later.map((d) => str(d.body))).toEqual(['later']);
    expect(later[0]!.attempt).toBe(1);
  });

  it('a long poll waits for a delayed message to come due', async () => {
    const { broker } = t;
    const started = Date.now();
    await broker.publish(message('orders', 'k', 'later', { delayMs: 300 }));
    const got = await broker.receive('q', { max: 1, waitMs: 3000 });
    const took = Date.now() - started;
    expect(got.map((d) => str(d.body))).toEqual(['later']);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1500);
  });

  it('stores the body byte for byte', async () => {
    const { broker } = t;
    const big = text('x'.repeat(200_000));
    const r = await broker.publish({ ...message('orders', 'k', ''), body: big });
    const d = await receiveOne(broker, 'q');
    expect(d.id).toBe(r.id);
    expect(d.body.byteLength).toBe(big.byteLength);
    expect(str(d.body)).toBe(str(big));
  });
});
