import { afterEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { depth, drain, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Broker } from './api';

const figures = (ready: number, inFlight = 0, delayed = 0) => ({ ready, inFlight, delayed });

describe.each(drivers)('queue depth figures on %s', (driver) => {
  let t: TestBroker;
  afterEach(async () => t?.close());

  /** The figures the broker reports, checked against a full count of the entries. */
  async function checked(broker: Broker, queue: string) {
    const d = await depth(broker, queue);
    const [row] = await t.db.query<{ total: number }>('SELECT count(*)::int AS total FROM queue_entries WHERE queue = $1', [queue]);
    expect(d.ready + d.inFlight + d.delayed).toBe(row!.total);
    return d;
  }

  it('stay right through publish, receive, ack, nack, dead-letter, replay, purge and delete', async () => {
    t = await startTestBroker(driver, { sweepIntervalMs: 50 });
    const { broker } = t;
    await broker.declareQueue('jobs', { maxDeliveries: 5, retry: { initialDelayMs: 60_000, jitter: 0 } });
    const q = 'jobs';
    const publishTo = (n: number, extra = {}) => broker.publishBatch(Array.from({ length: n }, (_, i) => message('amq.default', q, `m${i}`, extra)));

    await publishTo(5);
    expect(await checked(broker, q)).toEqual(figures(5));
    await publishTo(1, { delayMs: 60_000 });
    expect(await checked(broker, q)).toEqual(figures(5, 0, 1));
    const leased = await broker.receive(q, { max: 3, waitMs: 0 });
    expect(leased).toHaveLength(3);
    expect(await checked(broker, q)).toEqual(figures(2, 3, 1));
    expect(await broker.ack(q, [leased[0]!.receipt])).toMatchObject({ acked: 1 });
    expect(await checked(broker, q)).toEqual(figures(2, 2, 1));
    await broker.nack(q, [leased[1]!.receipt], { error: 'later' }); // retried in 60 s: delayed
    expect(await checked(broker, q)).toEqual(figures(2, 1, 2));
    await broker.nack(q, [leased[2]!.receipt], { requeue: false, error: 'never' }); // dead-lettered
    expect(await checked(broker, q)).toEqual(figures(2, 0, 2));
    expect(await checked(broker, 'jobs.dlq')).toEqual(figures(1));
    // A lease that runs out makes its entry ready again.
    await broker.receive(q, { max: 1, waitMs: 0, visibilityMs: 100 });
    expect(await checked(broker, q)).toEqual(figures(1, 1, 2));
    await waitFor(async () => (await depth(broker, q)).ready === 2);
    expect(await checked(broker, q)).toEqual(figures(2, 0, 2));
    // Replayed dead letters come back ready.
    expect(await broker.replay('jobs.dlq', { all: true })).toMatchObject({ replayed: 1 });
    expect(await checked(broker, 'jobs.dlq')).toEqual(figures(0));
    expect(await checked(broker, q)).toEqual(figures(3, 0, 2));
    // The sweeper folds the deltas (several compactions) without changing the figures.
    await sleep(200);
    expect(await checked(broker, q)).toEqual(figures(3, 0, 2));
    const [deltaRows] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_depth_deltas WHERE queue = $1', [q]);
    expect(deltaRows!.n).toBeLessThanOrEqual(1);

    expect(await broker.purge(q)).toEqual({ purged: 5 });
    expect(await checked(broker, q)).toEqual(figures(0));
    await publishTo(4);
    expect(await checked(broker, q)).toEqual(figures(4));
    // Deleting a queue takes its entries; a new queue of the same name starts at zero.
    await broker.deleteQueue(q);
    await broker.declareQueue(q, {});
    expect(await checked(broker, q)).toEqual(figures(0));
    await publishTo(2);
    expect(await checked(broker, q)).toEqual(figures(2));
    expect((await broker.listQueues()).find((x) => x.name === q)).toMatchObject(figures(2));
  });

  it('count max-length and TTL dead letters on both sides', async () => {
    t = await startTestBroker(driver, { sweepIntervalMs: 50 });
    const { broker } = t;
    await broker.declareQueue('capped', { maxLength: 3 });
    await broker.declareQueue('short', { messageTtlMs: 150 });
    await broker.publishBatch(Array.from({ length: 5 }, (_, i) => message('amq.default', 'capped', `c${i}`)));
    expect(await checked(broker, 'capped')).toEqual(figures(3));
    expect(await checked(broker, 'capped.dlq')).toEqual(figures(2));
    await broker.publishBatch([1, 2].map((i) => message('amq.default', 'short', `s${i}`)));
    expect(await checked(broker, 'short')).toEqual(figures(2));
    await waitFor(async () => (await depth(broker, 'short.dlq')).ready === 2);
    expect(await checked(broker, 'short')).toEqual(figures(0));
    expect(await checked(broker, 'short.dlq')).toEqual(figures(2));
    const dead = await drain(broker, 'short.dlq');
    expect(dead.map((d) => d.death?.reason)).toEqual(['expired', 'expired']);
    expect(await checked(broker, 'short.dlq')).toEqual(figures(0, 2, 0));
  });

  it('memory queues report the same figures', async () => {
    t = await startTestBroker(driver);
    const { broker } = t;
    await broker.declareQueue('fast', { durability: 'memory', retry: { initialDelayMs: 60_000, jitter: 0 } });
    await broker.publishBatch(Array.from({ length: 4 }, (_, i) => message('amq.default', 'fast', `f${i}`)));
    expect(await depth(broker, 'fast')).toEqual(figures(4));
    const a = await receiveOne(broker, 'fast');
    const b = await receiveOne(broker, 'fast');
    expect(await depth(broker, 'fast')).toEqual(figures(2, 2, 0));
    await broker.ack('fast', [a.receipt]);
    await broker.nack('fast', [b.receipt], {});
    expect(await depth(broker, 'fast')).toEqual(figures(2, 0, 1));
    expect(await broker.purge('fast')).toEqual({ purged: 3 });
    expect(await depth(broker, 'fast')).toEqual(figures(0));
  });

  it('samples depth on a timer for the charts', async () => {
    t = await startTestBroker(driver, { sampleIntervalMs: 100 });
    const { broker } = t;
    await broker.declareQueue('charted', {});
    await broker.declareQueue('idle', {});
    const from = new Date(Date.now() - 60_000);
    await broker.publishBatch(Array.from({ length: 3 }, (_, i) => message('amq.default', 'charted', `x${i}`)));
    const window = () => ({ from, to: new Date(Date.now() + 60_000) });
    const first = await waitFor(async () => (await broker.queueDepthHistory('charted', window())).find((s) => s.ready === 3));
    expect(first).toMatchObject({ ready: 3, inFlight: 0, delayed: 0 });
    expect(first.oldestReadyAgeMs).not.toBeNull();
    await broker.receive('charted', { max: 2, waitMs: 0 });
    // One sample per queue per second: the change shows in the next second's sample.
    const later = await waitFor(async () => (await broker.queueDepthHistory('charted', window())).find((s) => s.inFlight === 2), 2500);
    expect(later).toMatchObject({ ready: 1, inFlight: 2, delayed: 0 });
    expect(later.at.getTime()).toBeGreaterThan(first.at.getTime());
    const samples = await broker.queueDepthHistory('charted', window());
    const times = samples.map((s) => s.at.getTime());
    expect(new Set(times).size).toBe(times.length);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect((await broker.queueDepthHistory('idle', window())).every((s) => s.ready === 0 && s.oldestReadyAgeMs === null)).toBe(true);
    expect(await broker.queueDepthHistory('charted', { from: new Date(Date.now() - 7200_000), to: new Date(Date.now() - 3600_000) })).toEqual([]);
  });
});
