import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, str, watchQueries, type TestBroker } from '../../test/broker';
import { depth, drain, expectCode, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { createBroker } from './broker';
import type { Delivery } from './types';

const fastRetry = { initialDelayMs: 200, maxDelayMs: 1000, multiplier: 2, jitter: 0 };

describe.each(drivers)('consume on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const publishN = async (queue: string, n: number) =>
    t.broker.publishBatch(Array.from({ length: n }, (_, i) => message('amq.default', queue, `m${i}`)));

  it('a receive whose asker left while its claim was in flight gives the leases back at once, attempt not spent', async () => {
    const asker = new AbortController();
    // The asker leaves just as the claim statement answers.
    const watched = watchQueries(t.db, (sql) => (sql.includes('hatoba_claimable') ? () => asker.abort() : undefined));
    const broker = createBroker({ db: watched, node: 'watched-node', sweepIntervalMs: 60_000 });
    await broker.start();
    try {
      await broker.declareQueue('work', {});
      const published = await broker.publishBatch(['a', 'b'].map((b) => message('amq.default', 'work', b)));
      expect(await broker.receive('work', { max: 10, waitMs: 0, signal: asker.signal })).toEqual([]);
      expect(await depth(broker, 'work')).toEqual({ ready: 2, inFlight: 0, delayed: 0 });
      const trace = await broker.trace(published[0]!.correlationId);
      expect(trace.events.filter((e) => e.queue === 'work').map((e) => [e.type, e.attempt])).toEqual([
        ['delivered', 1],
        ['released', 1],
      ]);
      const again = await drain(broker, 'work');
      expect(again.map((d) => [str(d.body), d.attempt])).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
    } finally {
      await broker.stop();
    }
  });

  it('many long polls waiting at once are normal: no listener-leak warning', async () => {
    await t.broker.declareQueue('idle', {});
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const polls = await Promise.all(Array.from({ length: 20 }, () => t.broker.receive('idle', { max: 1, waitMs: 300 })));
      expect(polls.flat()).toEqual([]);
      await sleep(10); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  });

  it('competing consumers never get the same message twice while leases are live', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const N = 60;
    const published = await publishN('work', N);
    const seen: Delivery[] = [];
    for (let round = 0; round < 20 && seen.length < N; round++) {
      const batches = await Promise.all(
        Array.from({ length: 12 }, (_, i) => broker.receive('work', { max: 1 + (i % 4), waitMs: 0, consumer: `c${i}` })),
      );
      seen.push(...batches.flat());
    }
    expect(seen).toHaveLength(N);
    expect(new Set(seen.map((d) => d.id)).size).toBe(N);
    expect(new Set(seen.map((d) => d.receipt)).size).toBe(N);
    expect(new Set(seen.map((d) => d.id))).toEqual(new Set(published.map((p) => p.id)));
    expect(seen.every((d) => d.attempt === 1)).toBe(true);
    expect(await broker.receive('work', { max: 10, waitMs: 0 })).toEqual([]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: N, delayed: 0 });
    expect((await broker.queueInfo('work')).consumers).toBe(12);

    const acked = await Promise.all(seen.map((d) => broker.ack('work', [d.receipt])));
    expect(acked.reduce((n, a) => n + a.acked, 0)).toBe(N);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('competing long polls share a burst of publishes without duplicates', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const polls = Array.from({ length: 8 }, () => broker.receive('work', { max: 3, waitMs: 1500 }));
    await sleep(50);
    await publishN('work', 10);
    const got = (await Promise.all(polls)).flat();
    const rest = await drain(broker, 'work');
    const all = [...got, ...rest];
    expect(all).toHaveLength(10);
    expect(new Set(all.map((d) => d.id)).size).toBe(10);
    expect(got.length).toBeGreaterThan(0);
  });

  it('an expired lease is redelivered with attempt + 1; the stale receipt acks nothing', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const [p] = await publishN('work', 1);
    const first = await receiveOne(broker, 'work', { visibilityMs: 300 });
    expect(first).toMatchObject({ id: p!.id, attempt: 1 });
    expect(await broker.receive('work', { max: 1, waitMs: 0 })).toEqual([]);
    await sleep(400);
    const second = await receiveOne(broker, 'work', { visibilityMs: 5000 });
    expect(second).toMatchObject({ id: p!.id, attempt: 2 });
    expect(second.receipt).not.toBe(first.receipt);

    expect(await broker.ack('work', [first.receipt])).toEqual({ acked: 0, stale: [first.receipt] });
    expect(await broker.nack('work', [first.receipt], {})).toEqual({ nacked: 0, stale: [first.receipt] });
    expect(await broker.extend('work', [first.receipt], 1000)).toEqual({ extended: 0, stale: [first.receipt] });
    // the newer lease is untouched
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    expect(await broker.ack('work', [second.receipt])).toEqual({ acked: 1, stale: [] });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('a lease that expired and was not yet taken again is stale too', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await publishN('work', 1);
    const d = await receiveOne(broker, 'work', { visibilityMs: 100 });
    await sleep(200);
    expect(await broker.ack('work', [d.receipt])).toEqual({ acked: 0, stale: [d.receipt] });
    const again = await receiveOne(broker, 'work');
    expect(again).toMatchObject({ id: d.id, attempt: 2 });
  });

  it('acking twice: the second ack is stale; acks mix acked and stale in one call', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await publishN('work', 2);
    const [a, b] = await broker.receive('work', { max: 2, waitMs: 0 });
    expect(await broker.ack('work', [a!.receipt])).toEqual({ acked: 1, stale: [] });
    expect(await broker.ack('work', [a!.receipt, b!.receipt])).toEqual({ acked: 1, stale: [a!.receipt] });
    // a receipt is bound to its queue; on another, the answer names its own
    await broker.declareQueue('other', {});
    await publishN('other', 1);
    const o = await receiveOne(broker, 'other');
    expect(await broker.ack('work', [o.receipt])).toEqual({ acked: 0, stale: [o.receipt], otherQueue: [{ receipt: o.receipt, queue: 'other' }] });
    expect(await broker.ack('other', [o.receipt])).toEqual({ acked: 1, stale: [] });
  });

  it('concurrent settlements of one lease: exactly one wins', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { retry: { initialDelayMs: 60_000, jitter: 0 } });
    await publishN('work', 2);
    const [a, b] = await broker.receive('work', { max: 2, waitMs: 0 });
    const acks = await Promise.all(Array.from({ length: 5 }, () => broker.ack('work', [a!.receipt])));
    expect(acks.reduce((n, r) => n + r.acked, 0)).toBe(1);
    expect(acks.filter((r) => r.stale.length === 1)).toHaveLength(4);
    const [ack, nack] = await Promise.all([broker.ack('work', [b!.receipt]), broker.nack('work', [b!.receipt], {})]);
    expect(ack.acked + nack.nacked).toBe(1);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: nack.nacked });
  });

  it('extend keeps a lease alive past its original visibility', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await publishN('work', 1);
    const d = await receiveOne(broker, 'work', { visibilityMs: 500 });
    await sleep(200);
    expect(await broker.extend('work', [d.receipt], 2000)).toEqual({ extended: 1, stale: [] });
    await sleep(500); // past the original 500 ms
    expect(await broker.receive('work', { max: 1, waitMs: 0 })).toEqual([]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    expect(await broker.ack('work', [d.receipt])).toEqual({ acked: 1, stale: [] });
    await expectCode(broker.extend('work', [d.receipt], 10), 'validation_failed');
  });

  it('nack retries after the backoff with the attempt incremented, growing exponentially', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { retry: fastRetry });
    const [p] = await publishN('work', 1);
    const d1 = await receiveOne(broker, 'work');
    let started = Date.now();
    expect(await broker.nack('work', [d1.receipt], { error: 'first failure' })).toEqual({ nacked: 1, stale: [] });
    expect(await broker.receive('work', { max: 1, waitMs: 0 })).toEqual([]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 1 });
    expect(await broker.ack('work', [d1.receipt])).toEqual({ acked: 0, stale: [d1.receipt] });

    const d2 = await receiveOne(broker, 'work', { waitMs: 3000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180); // 200 ms backoff
    expect(d2).toMatchObject({ id: p!.id, attempt: 2 });

    started = Date.now();
    await broker.nack('work', [d2.receipt], { error: 'second failure' });
    expect(await broker.receive('work', { max: 1, waitMs: 0 })).toEqual([]); // 400 ms now
    const d3 = await receiveOne(broker, 'work', { waitMs: 3000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(d3).toMatchObject({ id: p!.id, attempt: 3 });
    expect(await broker.ack('work', [d3.receipt])).toEqual({ acked: 1, stale: [] });
  });

  it('nack with delayMs overrides the backoff', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { retry: { initialDelayMs: 60_000, jitter: 0 } });
    await publishN('work', 2);
    const [a, b] = await broker.receive('work', { max: 2, waitMs: 0 });
    await broker.nack('work', [a!.receipt], { delayMs: 0 });
    const started = Date.now();
    await broker.nack('work', [b!.receipt], { delayMs: 300 });
    const now = await broker.receive('work', { max: 5, waitMs: 0 });
    expect(now.map((d) => [d.id, d.attempt])).toEqual([[a!.id, 2]]);
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 1, delayed: 1 });
    const later = await receiveOne(broker, 'work', { waitMs: 3000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(later).toMatchObject({ id: b!.id, attempt: 2 });
  });

  it('a long poll returns as soon as a message is published', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const waitMs = 5000;
    const started = Date.now();
    const poll = broker.receive('work', { max: 1, waitMs });
    await sleep(100);
    const r = await broker.publish(message('amq.default', 'work', 'wake up'));
    const got = await poll;
    const took = Date.now() - started;
    expect(got.map((d) => d.id)).toEqual([r.id]);
    expect(took).toBeLessThan(waitMs / 2);
  });

  it('two nodes on one database: topology changes reach the other node, and a publish on one wakes a long poll on the other', async () => {
    const other = createBroker({ db: t.db, node: 'other-node', sweepIntervalMs: 100 });
    await other.start();
    try {
      await t.broker.declareQueue('work', {});
      await waitFor(() => other.queueInfo('work').then(() => true, () => false), 2000);
      const started = Date.now();
      const poll = other.receive('work', { max: 1, waitMs: 5000 });
      await sleep(100);
      const r = await t.broker.publish(message('amq.default', 'work', 'across'));
      const got = await poll;
      expect(got.map((d) => d.id)).toEqual([r.id]);
      expect(Date.now() - started).toBeLessThan(2500);
      // the lease taken on one node is honoured on the other
      expect(await t.broker.receive('work', { max: 1, waitMs: 0 })).toEqual([]);
      expect(await t.broker.ack('work', [got[0]!.receipt])).toEqual({ acked: 1, stale: [] });
    } finally {
      await other.stop();
    }
  });

  it('a long poll on an empty queue answers empty after waitMs', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const started = Date.now();
    expect(await broker.receive('work', { max: 1, waitMs: 300 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('stopping the broker answers pending long polls empty at once', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    const started = Date.now();
    const poll = broker.receive('work', { max: 1, waitMs: 10_000 });
    await sleep(100);
    await broker.stop();
    expect(await poll).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('purge returns the count and empties the queue', async () => {
    const { broker } = t;
    await broker.declareQueue('work', {});
    await publishN('work', 7);
    await broker.publish(message('amq.default', 'work', 'delayed', { delayMs: 60_000 }));
    const leased = await receiveOne(broker, 'work');
    expect(await broker.purge('work')).toEqual({ purged: 8 });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    expect(await broker.receive('work', { max: 10, waitMs: 0 })).toEqual([]);
    expect(await broker.ack('work', [leased.receipt])).toEqual({ acked: 0, stale: [leased.receipt] });
    expect(await broker.purge('work')).toEqual({ purged: 0 });
    await publishN('work', 1);
    expect((await drain(broker, 'work')).map((d) => str(d.body))).toEqual(['m0']);
  });

  it('queueInfo and listQueues report ready, inFlight and delayed after a known workload', async () => {
    const { broker } = t;
    await broker.declareQueue('work', { retry: { initialDelayMs: 60_000, jitter: 0 } });
    await broker.declareQueue('idle', {});
    await publishN('work', 6);
    await broker.publish(message('amq.default', 'work', 'delayed 1', { delayMs: 60_000 }));
    await broker.publish(message('amq.default', 'work', 'delayed 2', { delayMs: 60_000 }));
    const leased = await broker.receive('work', { max: 3, waitMs: 0 }); // 3 in flight
    await broker.nack('work', [leased[0]!.receipt], { error: 'later' }); // → delayed by the backoff
    await broker.ack('work', [leased[1]!.receipt]); // gone

    const info = await broker.queueInfo('work');
    expect(info).toMatchObject({ name: 'work', ready: 3, inFlight: 1, delayed: 3 });
    expect(info.oldestReadyAgeMs).toBeGreaterThanOrEqual(0);
    expect(info.settings.retry.initialDelayMs).toBe(60_000);
    const list = await broker.listQueues();
    expect(list.map((q) => q.name)).toEqual(['idle', 'idle.dlq', 'work', 'work.dlq']);
    expect(list.find((q) => q.name === 'work')).toMatchObject({ ready: 3, inFlight: 1, delayed: 3 });
    expect(list.find((q) => q.name === 'idle')).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, oldestReadyAgeMs: null });
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });
});
