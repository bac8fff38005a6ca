import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, str, text, type TestBroker } from '../../../test/broker';
import { depth, drain, expectCode, receiveOne, waitFor } from '../../../test/broker-helpers';
import { drivers } from '../../../test/databases';
import type { Db } from '../../../db/driver';
import type { Broker } from '../api';
import { createBroker } from '../broker';

const memory = { durability: 'memory' as const };

describe.each(drivers)('memory tier on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it('publish → receive → ack, through an exchange, without touching the message store', async () => {
    const { broker } = t;
    await broker.declareExchange('ticks', 'fanout');
    await broker.declareQueue('live', { ...memory });
    await broker.bind({ exchange: 'ticks', queue: 'live', key: '' });
    const r = await broker.publish(message('ticks', 'price.eur', 'tick', { correlationId: 'c-mem', headers: { h: '1' } }));
    expect(r).toMatchObject({ queues: ['live'], duplicate: false, correlationId: 'c-mem' });
    expect(await depth(broker, 'live')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
    const d = await receiveOne(broker, 'live');
    expect(d).toMatchObject({ id: r.id, queue: 'live', attempt: 1, exchange: 'ticks', routingKey: 'price.eur', headers: { h: '1' }, death: null });
    expect(str(d.body)).toBe('tick');
    expect(await depth(broker, 'live')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    expect(await broker.ack('live', [d.receipt])).toEqual({ acked: 1, stale: [] });
    expect(await broker.ack('live', [d.receipt])).toEqual({ acked: 0, stale: [d.receipt] });
    expect(await depth(broker, 'live')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const stored = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_entries');
    expect(stored[0]!.n).toBe(0);
    expect((await broker.queueInfo('live.dlq')).settings.durability).toBe('memory');
  });

  it('competing consumers never share a message', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await broker.publishBatch(Array.from({ length: 30 }, (_, i) => message('amq.default', 'live', `m${i}`)));
    const got = (await Promise.all(Array.from({ length: 10 }, () => broker.receive('live', { max: 4, waitMs: 0 })))).flat();
    const rest = await drain(broker, 'live');
    const all = [...got, ...rest];
    expect(all).toHaveLength(30);
    expect(new Set(all.map((d) => d.id)).size).toBe(30);
  });

  it('nack retries after the backoff, then dead-letters after maxDeliveries into the memory DLQ', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory, maxDeliveries: 2, retry: { initialDelayMs: 150, jitter: 0 } });
    const r = await broker.publish(message('amq.default', 'live', 'flaky'));
    const d1 = await receiveOne(broker, 'live');
    const started = Date.now();
    await broker.nack('live', [d1.receipt], { error: 'one' });
    expect(await broker.receive('live', { max: 1, waitMs: 0 })).toEqual([]);
    expect(await depth(broker, 'live')).toEqual({ ready: 0, inFlight: 0, delayed: 1 });
    const d2 = await receiveOne(broker, 'live', { waitMs: 2000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(d2).toMatchObject({ id: r.id, attempt: 2 });
    await broker.nack('live', [d2.receipt], { error: 'two' });
    expect(await depth(broker, 'live')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const dead = await receiveOne(broker, 'live.dlq');
    expect(dead.id).toBe(r.id);
    expect(dead.death).toMatchObject({ queue: 'live', exchange: 'amq.default', routingKey: 'live', reason: 'max_deliveries', attempts: 2, lastError: 'two' });
  });

  it('nack requeue: false dead-letters with reason rejected; nack delayMs delays', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await broker.publishBatch([message('amq.default', 'live', 'reject me'), message('amq.default', 'live', 'delay me')]);
    const [a, b] = await broker.receive('live', { max: 2, waitMs: 0 });
    await broker.nack('live', [a!.receipt], { requeue: false, error: 'nope' });
    await broker.nack('live', [b!.receipt], { delayMs: 250 });
    expect((await receiveOne(broker, 'live.dlq')).death).toMatchObject({ reason: 'rejected', attempts: 1, lastError: 'nope' });
    expect(await broker.receive('live', { max: 1, waitMs: 0 })).toEqual([]);
    await sleep(300);
    expect(await receiveOne(broker, 'live')).toMatchObject({ id: b!.id, attempt: 2 });
  });

  it('an expired lease is redelivered with attempt + 1, the stale receipt acks nothing; spent leases die', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory, maxDeliveries: 2 });
    const r = await broker.publish(message('amq.default', 'live', 'slow'));
    const d1 = await receiveOne(broker, 'live', { visibilityMs: 100 });
    await sleep(150);
    const d2 = await receiveOne(broker, 'live', { visibilityMs: 100 });
    expect(d2).toMatchObject({ id: r.id, attempt: 2 });
    expect(await broker.ack('live', [d1.receipt])).toEqual({ acked: 0, stale: [d1.receipt] });
    // spent: no third delivery, the sweeper dead-letters it
    const dead = await waitFor(async () => (await broker.receive('live.dlq', { max: 1, waitMs: 0 }))[0]);
    expect(dead.death).toMatchObject({ reason: 'max_deliveries', attempts: 2, lastError: 'lease expired' });
    expect(await broker.receive('live', { max: 1, waitMs: 0 })).toEqual([]);
  });

  it('extend, TTL, max length, delay and purge behave as in the durable tier', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await broker.publish(message('amq.default', 'live', 'x'));
    const d = await receiveOne(broker, 'live', { visibilityMs: 500 });
    await sleep(100);
    expect(await broker.extend('live', [d.receipt], 2000)).toEqual({ extended: 1, stale: [] });
    await sleep(600); // past the original 500 ms
    expect(await broker.receive('live', { max: 1, waitMs: 0 })).toEqual([]);
    expect(await broker.ack('live', [d.receipt])).toEqual({ acked: 1, stale: [] });

    await broker.declareQueue('ttl', { ...memory, messageTtlMs: 150 });
    const gone = await broker.publish(message('amq.default', 'ttl', 'short-lived'));
    const expired = await waitFor(async () => (await broker.receive('ttl.dlq', { max: 1, waitMs: 0 }))[0]);
    expect(expired).toMatchObject({ id: gone.id, death: { reason: 'expired', queue: 'ttl' } });

    await broker.declareQueue('short', { ...memory, maxLength: 2 });
    for (const b of ['a', 'b', 'c']) await broker.publish(message('amq.default', 'short', b));
    expect((await drain(broker, 'short')).map((x) => str(x.body))).toEqual(['b', 'c']);
    expect((await receiveOne(broker, 'short.dlq')).death?.reason).toBe('max_length');

    const started = Date.now();
    await broker.publish(message('amq.default', 'live', 'later', { delayMs: 250 }));
    expect(await depth(broker, 'live')).toEqual({ ready: 0, inFlight: 0, delayed: 1 });
    expect(await broker.receive('live', { max: 1, waitMs: 0 })).toEqual([]);
    expect(str((await receiveOne(broker, 'live', { waitMs: 2000 })).body)).toBe('later');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);

    for (const b of ['1', '2', '3']) await broker.publish(message('amq.default', 'live', b));
    expect(await broker.purge('live')).toEqual({ purged: 4 }); // 3 ready + 1 in flight
    expect(await depth(broker, 'live')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('a long poll returns as soon as a message is published', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    const started = Date.now();
    const poll = broker.receive('live', { max: 1, waitMs: 4000 });
    await sleep(100);
    await broker.publish(message('amq.default', 'live', 'now'));
    expect(await poll).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('replays dead letters back to origin, to a queue and edited', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await broker.declareQueue('side', { ...memory });
    const ids: string[] = [];
    for (const b of ['a', 'b', 'c']) ids.push((await broker.publish(message('amq.default', 'live', b, { correlationId: `c-${b}` }))).id);
    for (const d of await drain(broker, 'live')) await broker.nack('live', [d.receipt], { requeue: false, error: `err ${str(d.body)}` });
    expect(await broker.replay('live.dlq', { ids: [ids[0]!] })).toMatchObject({ replayed: 1 });
    expect(await receiveOne(broker, 'live')).toMatchObject({ id: ids[0], correlationId: 'c-a', attempt: 1, death: null });
    expect(await broker.replay('live.dlq', { filter: { error: 'err b' }, target: { queue: 'side' } })).toMatchObject({ replayed: 1 });
    expect(await receiveOne(broker, 'side')).toMatchObject({ id: ids[1], correlationId: 'c-b' });
    expect(await broker.replay('live.dlq', { all: true, edit: { body: text('fixed') } })).toMatchObject({ replayed: 1 });
    const edited = await receiveOne(broker, 'live');
    expect(edited.id).not.toBe(ids[2]);
    expect(edited.correlationId).toBe('c-c');
    expect(str(edited.body)).toBe('fixed');
    expect(await depth(broker, 'live.dlq')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('an idempotency key dedups memory-tier publishes too, in memory: nothing reaches the message store', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await broker.declareQueue('kept', {});
    const a = await broker.publish(message('amq.default', 'live', 'one', { idempotencyKey: 'k', correlationId: 'c-1' }));
    const b = await broker.publish(message('amq.default', 'live', 'two', { idempotencyKey: 'k' }));
    expect(b).toEqual({ id: a.id, correlationId: 'c-1', duplicate: true, queues: [] });
    // in one batch, beside a durable message: the memory-only one is still not stored
    const [c, d, e] = await broker.publishBatch([
      message('amq.default', 'live', 'three', { idempotencyKey: 'k2' }),
      message('amq.default', 'kept', 'durable', { idempotencyKey: 'k3' }),
      message('amq.default', 'live', 'again', { idempotencyKey: 'k2' }),
    ]);
    expect(e).toMatchObject({ id: c!.id, duplicate: true });
    expect((await drain(broker, 'live')).map((m) => str(m.body))).toEqual(['one', 'three']);
    const stored = await t.db.query<{ id: string }>('SELECT id FROM messages');
    expect(stored.map((r) => r.id)).toEqual([d!.id]);
    await expectCode(broker.getMessage(a.id), 'message_not_found');
  });

  it('one key space per exchange across tiers: a key used on a durable queue is a duplicate on a memory queue, and the other way round', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await broker.declareQueue('kept', {});
    const durableFirst = await broker.publish(message('amq.default', 'kept', 'one', { idempotencyKey: 'd-first', correlationId: 'c-d' }));
    expect(await broker.publish(message('amq.default', 'live', 'two', { idempotencyKey: 'd-first' }))).toEqual({
      id: durableFirst.id,
      correlationId: 'c-d',
      duplicate: true,
      queues: [],
    });
    const memoryFirst = await broker.publish(message('amq.default', 'live', 'three', { idempotencyKey: 'm-first', correlationId: 'c-m' }));
    expect(await broker.publish(message('amq.default', 'kept', 'four', { idempotencyKey: 'm-first' }))).toEqual({
      id: memoryFirst.id,
      correlationId: 'c-m',
      duplicate: true,
      queues: [],
    });
    // in one batch too
    const [a, b] = await broker.publishBatch([
      message('amq.default', 'live', 'five', { idempotencyKey: 'batch' }),
      message('amq.default', 'kept', 'six', { idempotencyKey: 'batch' }),
    ]);
    expect(b).toMatchObject({ id: a!.id, duplicate: true });
    const [c, d] = await broker.publishBatch([
      message('amq.default', 'kept', 'seven', { idempotencyKey: 'batch2' }),
      message('amq.default', 'live', 'eight', { idempotencyKey: 'batch2' }),
    ]);
    expect(d).toMatchObject({ id: c!.id, duplicate: true });
    expect((await drain(broker, 'live')).map((m) => str(m.body))).toEqual(['three', 'five']);
    expect((await drain(broker, 'kept')).map((m) => str(m.body))).toEqual(['one', 'seven']);
    // the memory tier still writes nothing: only the durable firsts are stored
    expect((await t.db.query<{ id: string }>('SELECT id FROM messages ORDER BY seq')).map((r) => r.id)).toEqual([durableFirst.id, c!.id]);
  });

  it('a memory-tier idempotency key is forgotten with its message on a restart, and given back by a batch that failed', async () => {
    await t.broker.stop();
    let failStores = false;
    const db: Db = {
      ...t.db,
      query: (text, params) => (failStores && text.includes('INSERT INTO messages') ? Promise.reject(new Error('disk full')) : t.db.query(text, params)),
    };
    let first: Broker | undefined = createBroker({ db, node: 'before-restart' });
    let second: Broker | undefined;
    try {
      await first.start();
      await first.declareQueue('live', { ...memory });
      await first.declareQueue('kept', {});
      // a batch whose durable message could not be stored fails as a whole and keeps no key
      failStores = true;
      await expect(
        first.publishBatch([message('amq.default', 'live', 'lost', { idempotencyKey: 'k' }), message('amq.default', 'kept', 'x')]),
      ).rejects.toThrow('disk full');
      failStores = false;
      expect(await depth(first, 'live')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
      const sent = await first.publish(message('amq.default', 'live', 'before', { idempotencyKey: 'k' }));
      expect(sent.duplicate).toBe(false);
      await first.stop();
      first = undefined;

      second = createBroker({ db: t.db, node: 'after-restart' });
      await second.start();
      // the message is gone, so a producer retrying with the same key publishes it again
      const retried = await second.publish(message('amq.default', 'live', 'after', { idempotencyKey: 'k' }));
      expect(retried).toMatchObject({ duplicate: false, queues: ['live'] });
      expect(retried.id).not.toBe(sent.id);
      expect(str((await receiveOne(second, 'live')).body)).toBe('after');
    } finally {
      await first?.stop();
      await second?.stop();
    }
  });

  it('one message routed to both tiers is settled independently in each', async () => {
    const { broker } = t;
    await broker.declareExchange('fan', 'fanout');
    await broker.declareQueue('mem', { ...memory });
    await broker.declareQueue('dur', {});
    await broker.bind({ exchange: 'fan', queue: 'mem', key: '' });
    await broker.bind({ exchange: 'fan', queue: 'dur', key: '' });
    const r = await broker.publish(message('fan', 'k', 'both'));
    expect(r.queues).toEqual(['dur', 'mem']);
    const m = await receiveOne(broker, 'mem');
    const d = await receiveOne(broker, 'dur');
    expect(m.id).toBe(r.id);
    expect(d.id).toBe(r.id);
    await broker.nack('mem', [m.receipt], { requeue: false });
    expect(await broker.ack('dur', [d.receipt])).toEqual({ acked: 1, stale: [] });
    expect((await receiveOne(broker, 'mem.dlq')).id).toBe(r.id);
    expect(await depth(broker, 'dur.dlq')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    // receipts do not cross tiers
    expect(await broker.ack('dur', [m.receipt])).toEqual({ acked: 0, stale: [m.receipt] });
  });

  it('after a restart a memory queue is empty while a durable queue keeps every message', async () => {
    await t.broker.stop();
    let first: Broker | undefined = createBroker({ db: t.db, node: 'before-restart', sweepIntervalMs: 100 });
    let second: Broker | undefined;
    try {
      await first.start();
      await first.declareQueue('mem', { ...memory });
      await first.declareQueue('dur', {});
      await first.publishBatch(['1', '2', '3'].map((b) => message('amq.default', 'mem', b)));
      const durable = await first.publishBatch(['1', '2', '3'].map((b) => message('amq.default', 'dur', b)));
      await first.publish(message('amq.default', 'dur', '4', { delayMs: 60_000 }));
      const inFlight = await receiveOne(first, 'dur'); // leased when the node goes away
      expect(inFlight.id).toBe(durable[0]!.id);
      expect(await depth(first, 'mem')).toEqual({ ready: 3, inFlight: 0, delayed: 0 });
      await first.stop();
      first = undefined;

      second = createBroker({ db: t.db, node: 'after-restart', sweepIntervalMs: 100 });
      await second.start();
      // the topology survives in both tiers; only memory entries are gone
      expect((await second.queueInfo('mem')).settings.durability).toBe('memory');
      expect(await depth(second, 'mem')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
      expect(await second.receive('mem', { max: 10, waitMs: 0 })).toEqual([]);
      expect(await depth(second, 'dur')).toEqual({ ready: 2, inFlight: 1, delayed: 1 });
      const got = await second.receive('dur', { max: 10, waitMs: 0 });
      expect(got.map((d) => str(d.body))).toEqual(['2', '3']);
      // the lease from before the restart still holds, and still acks
      expect(await second.ack('dur', [inFlight.receipt])).toEqual({ acked: 1, stale: [] });
      // and the restarted memory queue works
      await second.publish(message('amq.default', 'mem', 'fresh'));
      expect(str((await receiveOne(second, 'mem')).body)).toBe('fresh');
    } finally {
      await first?.stop();
      await second?.stop();
    }
  });

  it('cannot switch a memory queue to durable; a bad receipt is refused', async () => {
    const { broker } = t;
    await broker.declareQueue('live', { ...memory });
    await expectCode(broker.declareQueue('live', {}), 'queue_settings_mismatch');
    await expectCode(broker.ack('live', ['1.not-a-uuid']), 'invalid_receipt');
  });
});

describe('memory tier limit', () => {
  it('refuses publishes that would pass the limit, with memory_limit, and accepts them again once consumed', async () => {
    const t = await startTestBroker('pglite', { memoryLimit: 3 });
    try {
      await t.broker.declareQueue('ram', { durability: 'memory' });
      for (let i = 0; i < 3; i++) await t.broker.publish(message('amq.default', 'ram', `m${i}`));
      await expect(t.broker.publish(message('amq.default', 'ram', 'one too many'))).rejects.toMatchObject({ code: 'memory_limit' });
      // the message says what the publish adds, as the byte limit's does; a whole batch is counted
      const batch = Array.from({ length: 5 }, (_, i) => message('amq.default', 'ram', `b${i}`));
      await expect(t.broker.publishBatch(batch)).rejects.toMatchObject({
        code: 'memory_limit',
        message: expect.stringMatching(/hold 3 entries, and this publish adds 5; the limit is 3/),
        details: { limit: 3, heldEntries: 3, publishEntries: 5 },
      });
      const got = await t.broker.receive('ram', { max: 3, waitMs: 0 });
      await t.broker.ack('ram', got.map((d) => d.receipt));
      expect((await t.broker.publish(message('amq.default', 'ram', 'fits again'))).queues).toEqual(['ram']);
    } finally {
      await t.close();
    }
  });

  it('refuses a publish whose bodies would pass the byte limit, storing none of its batch, and frees the bytes of what leaves', async () => {
    const t = await startTestBroker('pglite', { memoryMaxBytes: 1000 });
    const body = (c: string) => c.repeat(400);
    try {
      await t.broker.declareQueue('ram', { durability: 'memory' });
      await t.broker.declareQueue('other', { durability: 'memory' });
      await t.broker.publish(message('amq.default', 'ram', body('a')));
      await t.broker.publish(message('amq.default', 'other', body('b')));
      // 800 held: a batch of two more (800 bytes) would pass 1,000, so neither message is stored
      const refused = await t.broker
        .publishBatch([message('amq.default', 'ram', body('c')), message('amq.default', 'other', 'd')])
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'memory_limit', details: { limitBytes: 1000, heldBytes: 800, publishBytes: 401 } });
      expect((await t.broker.queueInfo('other')).ready).toBe(1);
      // an ack frees its bytes
      const [got] = await t.broker.receive('ram', { max: 1, waitMs: 0 });
      await t.broker.ack('ram', [got!.receipt]);
      await t.broker.publish(message('amq.default', 'ram', body('e')));
      // so does a purge
      await expect(t.broker.publish(message('amq.default', 'ram', body('f')))).rejects.toMatchObject({ code: 'memory_limit' });
      await t.broker.purge('other');
      expect((await t.broker.publish(message('amq.default', 'ram', body('f')))).queues).toEqual(['ram']);
    } finally {
      await t.close();
    }
  });
});
