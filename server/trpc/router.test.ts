import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { createCallerFactory } from './init';
import { appRouter } from './router';

const createCaller = createCallerFactory(appRouter);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each(drivers)('dashboard API on %s', (driver) => {
  let t: TestBroker;
  let api: ReturnType<typeof createCaller>;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = createCaller({ broker: t.broker, runtime: { version: '0.0.0', node: 'test-node', database: driver } });
  });
  afterEach(() => t.close());

  it('publishes a test message that browsing shows without taking it', async () => {
    await t.broker.declareQueue('orders', {});
    const sent = await api.queues.publish({ queue: 'orders', body: { text: '{"n":1}', contentType: 'application/json' }, headers: { Tenant: 'acme' } });
    expect(sent.queues).toEqual(['orders']);
    const browsed = await api.queues.browse({ name: 'orders', limit: 10 });
    expect(browsed).toHaveLength(1);
    expect(browsed[0]!.headers).toEqual({ tenant: 'acme' });
    expect(Buffer.from(browsed[0]!.body, 'base64').toString()).toBe('{"n":1}');
    expect((await api.queues.get({ name: 'orders' })).ready).toBe(1);
    expect(await api.queues.browse({ name: 'orders', limit: 10 })).toHaveLength(1);
  });

  it('purges', async () => {
    await t.broker.declareQueue('q', {});
    await api.queues.publish({ queue: 'q', body: { base64: b64('x'), contentType: 'application/octet-stream' } });
    expect(await api.queues.purge({ name: 'q' })).toEqual({ purged: 1 });
  });

  it('maps broker errors to tRPC codes with the broker message', async () => {
    await expect(api.queues.get({ name: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: "Queue 'missing' does not exist" });
    await expect(api.queues.get({ name: 'bad name!' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('lists dead letters and replays one back to its queue', async () => {
    await t.broker.declareQueue('work', { maxDeliveries: 1 });
    await api.queues.publish({ queue: 'work', body: { text: 'job', contentType: 'text/plain' } });
    const [d] = await t.broker.receive('work', { max: 1, waitMs: 0 });
    await t.broker.nack('work', [d!.receipt], { error: 'boom' });
    const lists = await api.deadLetters.list({ limit: 50 });
    const dlq = lists.find((l) => l.queue.name === 'work.dlq')!;
    expect(dlq.messages).toHaveLength(1);
    expect(dlq.messages[0]!.death).toMatchObject({ queue: 'work', lastError: 'boom', attempts: 1 });
    expect(await api.deadLetters.replay({ dlq: 'work.dlq', ids: [d!.id] })).toEqual({ replayed: 1 });
    expect((await api.queues.get({ name: 'work' })).ready).toBe(1);
    expect(await api.deadLetters.list({ limit: 50 }).then((l) => l.find((x) => x.queue.name === 'work.dlq')!.messages)).toHaveLength(0);
  });

  it('traces a correlation ID and finds messages by header', async () => {
    await t.broker.declareQueue('q', {});
    const sent = await api.queues.publish({ queue: 'q', body: { text: 'hi', contentType: 'text/plain' }, headers: { tenant: 'acme' }, correlationId: 'corr-1' });
    const trace = await api.traces.get({ correlationId: 'corr-1' });
    expect(trace.events.map((e) => e.type)).toEqual(expect.arrayContaining(['published', 'routed']));
    const found = await api.messages.search({ headers: { tenant: 'acme' }, limit: 10 });
    expect(found.messages.map((m) => m.id)).toEqual([sent.id]);
    expect((await api.messages.get({ id: sent.id })).entries[0]).toMatchObject({ queue: 'q', state: 'ready' });
  });

  it('describes the topology and the node', async () => {
    await t.broker.declareExchange('orders', 'topic');
    await t.broker.declareQueue('inventory', {});
    await t.broker.bind({ exchange: 'orders', queue: 'inventory', key: 'order.*' });
    const graph = await api.topology.graph();
    expect(graph.bindings).toContainEqual(expect.objectContaining({ exchange: 'orders', queue: 'inventory', key: 'order.*' }));
    expect(graph.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['inventory', 'inventory.dlq']));
    expect(await api.system.nodes()).toEqual([expect.objectContaining({ id: 'test-node', self: true })]);
  });
});
