import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { consoleCaller, type ConsoleCaller, startSecurity } from '../../test/console-caller';
import type { Security } from '../auth';
import { appRouter } from './router';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each(drivers)('dashboard API on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = consoleCaller(t.broker, driver);
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
    expect(await api.deadLetters.replay({ dlq: 'work.dlq', ids: [d!.id] })).toMatchObject({ replayed: 1 });
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
    // A header named __proto__ would vanish in a plain object: refused, on publish and in a search, never silently dropped.
    const proto = { ['__proto__']: 'x' }; // a computed key makes an own property, as JSON.parse does
    expect(Object.keys(proto)).toEqual(['__proto__']);
    await expect(api.queues.publish({ queue: 'q', body: { text: 'p', contentType: 'text/plain' }, headers: proto })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.messages.search({ headers: proto, limit: 10 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await t.broker.queueInfo('q')).ready).toBe(1);
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

  describe('console actions are audited', () => {
    let security: Security;
    const as = (actor: string, scopes: string[]) =>
      consoleCaller(t.broker, driver, { actor, scopes, ip: '10.9.8.7', security });

    beforeEach(async () => {
      security = await startSecurity(t.db);
    });
    afterEach(() => security.stop());

    it('every state-changing mutation writes an entry with the gateway\'s action name, actor, target and address', async () => {
      const op = as('session:operator', ['admin']);
      await t.broker.declareExchange('orders', 'topic');
      await t.broker.declareQueue('work', { maxDeliveries: 1 });
      await t.broker.declareQueue('archive', {});
      await t.broker.bind({ exchange: 'orders', queue: 'work', key: '#' });
      const sent = await op.queues.publish({ queue: 'work', body: { text: 'job', contentType: 'text/plain' } });
      const [d] = await t.broker.receive('work', { max: 1, waitMs: 0 });
      await t.broker.nack('work', [d!.receipt], { error: 'boom' });
      await op.deadLetters.replay({ dlq: 'work.dlq', ids: [sent.id] });
      const [d2] = await t.broker.receive('work', { max: 1, waitMs: 0 });
      await t.broker.nack('work', [d2!.receipt], { error: 'boom again' });
      await op.deadLetters.discard({ dlq: 'work.dlq', ids: [sent.id] });
      await op.queues.purge({ name: 'archive' });
      const from = new Date(Date.now() - 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      await t.broker.publish({ exchange: 'orders', routingKey: 'order.created', body: new TextEncoder().encode('{}'), contentType: 'application/json', headers: {} });
      await op.history.replay({ exchange: 'orders', from, to, target: { queue: 'archive' } });
      const key = await op.keys.create({ name: 'ci', scopes: ['monitoring'] });
      await op.keys.revoke({ id: key.id });

      const { entries } = await security.audit.read({ limit: 100 });
      expect(entries.map((e) => [e.action, e.target]).reverse()).toEqual([
        ['queue.publish', 'work'],
        ['queue.replay', 'work.dlq'],
        ['queue.discard', 'work.dlq'],
        ['queue.purge', 'archive'],
        ['exchange.replay', 'orders'],
        ['key.create', key.id],
        ['key.revoke', key.id],
      ]);
      for (const e of entries) expect(e).toMatchObject({ actor: 'session:operator', ip: '10.9.8.7' });
      const byAction = Object.fromEntries(entries.map((e) => [e.action, e.detail]));
      expect(byAction['queue.publish']).toEqual({ id: sent.id, correlationId: sent.correlationId });
      expect(byAction['queue.replay']).toMatchObject({ replayed: 1 });
      expect(byAction['queue.discard']).toEqual({ discarded: 1, ids: [sent.id] });
      expect(byAction['queue.purge']).toEqual({ purged: 0 });
      expect(byAction['exchange.replay']).toMatchObject({ replayed: 1, target: { queue: 'archive' } });
      expect(byAction['key.create']).toEqual({ name: 'ci', scopes: ['monitoring'] });
      expect(JSON.stringify(entries)).not.toContain(key.key);
      // Reading the log is admin-only, like GET /v1/audit; so are keys.
      expect((await op.audit.list({ action: 'queue.purge' })).entries.map((e) => e.target)).toEqual(['archive']);
    });

    it('a failed mutation records nothing', async () => {
      const op = as('session:operator', ['admin']);
      await expect(op.queues.purge({ name: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(op.keys.revoke({ id: 'no-such-key' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(op.keys.create({ name: 'x', scopes: ['write:all'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      expect((await security.audit.read({ limit: 10 })).entries).toEqual([]);
    });

    it('keys and the audit log need admin; manage reaches the rest', async () => {
      const manager = as('key:ops', ['manage']);
      await expect(manager.keys.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(manager.keys.create({ name: 'x', scopes: ['admin'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(manager.audit.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await t.broker.declareQueue('q', {});
      expect(await manager.queues.purge({ name: 'q' })).toEqual({ purged: 0 });
      expect((await security.audit.read({ limit: 10 })).entries).toMatchObject([{ actor: 'key:ops', action: 'queue.purge', target: 'q' }]);
    });

    it('audit pages: filters and a cursor', async () => {
      const op = as('session:operator', ['admin']);
      for (const q of ['a', 'b', 'c']) {
        await t.broker.declareQueue(q, {});
        await op.queues.purge({ name: q });
      }
      await as('key:other', ['admin']).queues.purge({ name: 'a' });
      const first = await op.audit.list({ actor: 'session:operator', limit: 2 });
      expect(first.entries.map((e) => e.target)).toEqual(['c', 'b']);
      const second = await op.audit.list({ actor: 'session:operator', limit: 2, cursor: first.nextCursor! });
      expect(second).toMatchObject({ entries: [{ target: 'a', actor: 'session:operator' }], nextCursor: null });
      expect((await op.audit.list({ action: 'queue.purge', actor: 'key:other' })).entries).toHaveLength(1);
      expect((await op.audit.list({ action: 'key.create' })).entries).toEqual([]);
    });
  });
});

describe('every console mutation is audited', () => {
  it('declares its audit entry (action and target) on the procedure', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { audit?: { action: string } } } }>;
    const mutations = Object.entries(procedures).filter(([, p]) => p._def.type === 'mutation');
    expect(mutations.length).toBeGreaterThanOrEqual(7);
    for (const [path, p] of mutations) expect(p._def.meta?.audit?.action, path).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
