import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, str, type TestBroker } from '../../test/broker';
import { depth, drain, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';

const quickRetry = { initialDelayMs: 20, maxDelayMs: 20, multiplier: 1, jitter: 0 };
const isoDate = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe.each(drivers)('dead letters on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('orders', 'topic');
  });
  afterEach(async () => t.close());

  const events = async (messageId: string) =>
    (await t.db.query<{ type: string }>('SELECT type FROM events WHERE message_id = $1 ORDER BY id', [messageId])).map((e) => e.type);

  it('nack with requeue: false dead-letters at once with reason rejected, keeping the message id', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { maxDeliveries: 5 });
    await broker.bind({ exchange: 'orders', queue: 'work', key: 'order.#' });
    const p = await broker.publish(message('orders', 'order.created', 'poison', { correlationId: 'corr-dl', headers: { a: '1' } }));
    const d = await receiveOne(broker, 'work');
    const before = Date.now();
    expect(await broker.nack('work', [d.receipt], { error: 'cannot parse', requeue: false })).toEqual({ nacked: 1, stale: [] });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const dead = await receiveOne(broker, 'work.dlq');
    expect(dead).toMatchObject({
      id: p.id,
      queue: 'work.dlq',
      correlationId: 'corr-dl',
      exchange: 'orders',
      routingKey: 'order.created',
      headers: { a: '1' },
      attempt: 1,
      death: { queue: 'work', exchange: 'orders', routingKey: 'order.created', reason: 'rejected', attempts: 1, lastError: 'cannot parse' },
    });
    expect(str(dead.body)).toBe('poison');
    expect(dead.death!.diedAt).toMatch(isoDate);
    expect(Math.abs(Date.parse(dead.death!.diedAt) - before)).toBeLessThan(60_000);
    expect(await events(p.id)).toEqual(expect.arrayContaining(['delivered', 'nacked', 'dead_lettered', 'delivered']));
  });

  it('dead-letters after exactly maxDeliveries nacks', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { maxDeliveries: 3, retry: quickRetry });
    const p = await broker.publish(message('amq.default', 'work', 'flaky'));
    for (let attempt = 1; attempt <= 3; attempt++) {
      const d = await receiveOne(broker, 'work', { waitMs: 2000 });
      expect(d).toMatchObject({ id: p.id, attempt });
      if (attempt < 3) {
        await broker.nack('work', [d.receipt], { error: `failure ${attempt}` });
        expect(await depth(broker, 'work.dlq')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
      } else {
        await broker.nack('work', [d.receipt], { error: 'failure 3' });
      }
    }
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    expect(await broker.receive('work', { max: 1, waitMs: 300 })).toEqual([]);
    const dead = await receiveOne(broker, 'work.dlq');
    expect(dead.id).toBe(p.id);
    expect(dead.death).toMatchObject({ queue: 'work', exchange: 'amq.default', routingKey: 'work', reason: 'max_deliveries', attempts: 3, lastError: 'failure 3' });
    const types = await events(p.id);
    expect(types.filter((e) => e === 'nacked')).toHaveLength(3);
    expect(types.filter((e) => e === 'retry_scheduled')).toHaveLength(2);
    expect(types.indexOf('dead_lettered')).toBeGreaterThan(types.lastIndexOf('nacked'));
  });

  it('dead-letters after exactly maxDeliveries expired leases (the sweeper)', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { maxDeliveries: 2, visibilityTimeoutMs: 100 });
    const p = await broker.publish(message('amq.default', 'work', 'slow'));
    const d1 = await receiveOne(broker, 'work');
    expect(d1.attempt).toBe(1);
    const d2 = await receiveOne(broker, 'work', { waitMs: 2000 });
    expect(d2).toMatchObject({ id: p.id, attempt: 2 });
    // no third delivery: the spent lease goes to the DLQ
    expect(await broker.receive('work', { max: 1, waitMs: 500 })).toEqual([]);
    const dead = await waitFor(async () => (await broker.receive('work.dlq', { max: 1, waitMs: 0 }))[0]);
    expect(dead.id).toBe(p.id);
    expect(dead.death).toMatchObject({ queue: 'work', reason: 'max_deliveries', attempts: 2, lastError: 'lease expired' });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    expect(await broker.ack('work', [d2.receipt])).toEqual({ acked: 0, stale: [d2.receipt] });
    const types = await events(p.id);
    expect(types.filter((e) => e === 'lease_expired')).toHaveLength(2);
    expect(types.filter((e) => e === 'dead_lettered')).toHaveLength(1);
  });

  it('message TTL: an entry older than messageTtlMs is dead-lettered with reason expired', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { messageTtlMs: 700 });
    const kept = await broker.publish(message('amq.default', 'work', 'kept'));
    const gone = await broker.publish(message('amq.default', 'work', 'gone'));
    const first = await receiveOne(broker, 'work');
    expect(first.id).toBe(kept.id);
    await broker.ack('work', [first.receipt]);
    const dead = await waitFor(async () => (await broker.receive('work.dlq', { max: 1, waitMs: 0 }))[0]);
    expect(dead.id).toBe(gone.id);
    expect(dead.death).toMatchObject({ queue: 'work', reason: 'expired', attempts: 0 });
    expect(await broker.receive('work', { max: 5, waitMs: 0 })).toEqual([]);
  });

  it('message TTL: an expired entry is never delivered, even before the sweeper runs', async () => {
    // no sweeper in this broker: only the claim's own TTL check stands between the consumer and the entry
    const { createBroker } = await import('./broker');
    await t.broker.stop();
    const broker = createBroker({ db: t.db, node: 'no-sweep', sweepIntervalMs: 60_000 });
    await broker.start();
    try {
      await broker.declareQueue('work', { messageTtlMs: 150 });
      await broker.publish(message('amq.default', 'work', 'short-lived'));
      await sleep(300);
      expect(await broker.receive('work', { max: 5, waitMs: 0 })).toEqual([]);
    } finally {
      await broker.stop();
    }
  });

  it('maxLength: the oldest entries are dead-lettered with reason max_length', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { maxLength: 3 });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await broker.publish(message('amq.default', 'work', `m${i}`))).id);
    expect(await depth(broker, 'work')).toEqual({ ready: 3, inFlight: 0, delayed: 0 });
    expect((await drain(broker, 'work')).map((d) => str(d.body))).toEqual(['m3', 'm4', 'm5']);
    const dead = await drain(broker, 'work.dlq');
    expect(dead.map((d) => d.id)).toEqual(ids.slice(0, 2));
    expect(dead.every((d) => d.death?.reason === 'max_length' && d.death.queue === 'work')).toBe(true);
  });

  it('maxLength holds within one batch too', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { maxLength: 2 });
    await broker.publishBatch(['a', 'b', 'c', 'd'].map((b) => message('amq.default', 'work', b)));
    expect((await drain(broker, 'work')).map((d) => str(d.body))).toEqual(['c', 'd']);
    expect((await drain(broker, 'work.dlq')).map((d) => str(d.body))).toEqual(['a', 'b']);
  });

  it('a dead-letter exchange routes dead letters by its routing key; deadLetter: false drops them', async () => {
    const { broker } = t;
    await broker.declareExchange('dlx', 'direct');
    await broker.declareQueue('graveyard', {});
    await broker.bind({ exchange: 'dlx', queue: 'graveyard', key: 'dead' });
    await broker.declareQueue('routed', { deadLetter: { exchange: 'dlx', routingKey: 'dead' } });
    await broker.declareQueue('dropping', { deadLetter: false });
    const a = await broker.publish(message('amq.default', 'routed', 'a'));
    const b = await broker.publish(message('amq.default', 'dropping', 'b'));
    await broker.nack('routed', [(await receiveOne(broker, 'routed')).receipt], { requeue: false, error: 'no' });
    await broker.nack('dropping', [(await receiveOne(broker, 'dropping')).receipt], { requeue: false });
    const dead = await receiveOne(broker, 'graveyard');
    expect(dead.id).toBe(a.id);
    expect(dead.death).toMatchObject({ queue: 'routed', reason: 'rejected', routingKey: 'routed', exchange: 'amq.default' });
    expect((await broker.listQueues()).map((q) => q.name)).not.toContain('dropping.dlq');
    expect(await depth(broker, 'dropping')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const detail = await broker.getMessage(b.id);
    expect(detail.entries).toEqual([]);
  });

  it('a long poll on a DLQ wakes as soon as something dies (nack, sweeper, max length)', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { maxDeliveries: 1, maxLength: 1 });
    const waitMs = 5000;
    /** ms from the end of `kill` (or from the start of the poll) until the DLQ poll answered. */
    const timedPoll = async (kill: () => Promise<unknown>, from: 'kill' | 'poll' = 'kill') => {
      let started = Date.now();
      const poll = broker.receive('work.dlq', { max: 1, waitMs });
      await sleep(50);
      await kill();
      if (from === 'kill') started = Date.now();
      const got = await poll;
      const took = Date.now() - started;
      expect(got).toHaveLength(1);
      await broker.ack('work.dlq', [got[0]!.receipt]);
      return took;
    };
    await broker.publish(message('amq.default', 'work', 'nacked'));
    const leased = await receiveOne(broker, 'work');
    // without the wake-up, a DLQ poll only notices at its 1 s re-check
    expect(await timedPoll(() => broker.nack('work', [leased.receipt], { requeue: false }))).toBeLessThan(500);

    await broker.publish(message('amq.default', 'work', 'expires'));
    await receiveOne(broker, 'work', { visibilityMs: 100 });
    expect(await timedPoll(() => sleep(0), 'poll')).toBeLessThan(950); // lease 100 ms + sweeper every 100 ms

    await broker.publish(message('amq.default', 'work', 'oldest'));
    expect(await timedPoll(() => broker.publish(message('amq.default', 'work', 'newest')))).toBeLessThan(500);
    expect(await depth(broker, 'work')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
  });

  it('getMessage shows where a message waits, and its death', async () => {
    const { broker } = t;
    await broker.declareExchange('fan', 'fanout');
    await broker.declareQueue('one', {});
    await broker.declareQueue('two', {});
    await broker.declareQueue('three', {});
    for (const q of ['one', 'two', 'three']) await broker.bind({ exchange: 'fan', queue: q, key: '' });
    const p = await broker.publish(message('fan', 'k', 'body', { correlationId: 'c-get', headers: { h: 'v' } }));
    await receiveOne(broker, 'two'); // in flight
    const three = await receiveOne(broker, 'three');
    await broker.nack('three', [three.receipt], { requeue: false, error: 'bad' });

    const detail = await broker.getMessage(p.id);
    expect(detail).toMatchObject({ id: p.id, exchange: 'fan', routingKey: 'k', correlationId: 'c-get', headers: { h: 'v' } });
    expect(str(detail.body)).toBe('body');
    expect([...detail.routedTo].sort()).toEqual(['one', 'three', 'two']);
    const byQueue = Object.fromEntries(detail.entries.map((e) => [e.queue, e]));
    expect(Object.keys(byQueue).sort()).toEqual(['one', 'three.dlq', 'two']);
    expect(byQueue.one).toMatchObject({ state: 'ready', attempt: 0, death: null });
    expect(byQueue.two).toMatchObject({ state: 'in_flight', attempt: 1, death: null });
    expect(byQueue['three.dlq']).toMatchObject({
      state: 'ready',
      attempt: 0,
      death: { queue: 'three', reason: 'rejected', attempts: 1, lastError: 'bad', exchange: 'fan', routingKey: 'k' },
    });
  });
});
