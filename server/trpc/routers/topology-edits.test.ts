import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../../test/databases';
import { startTestBroker, type TestBroker } from '../../../test/broker';
import { consoleCaller, type ConsoleCaller, startSecurity } from '../../../test/console-caller';
import type { Security } from '../../auth';

/** Declaring, deleting and binding from the console: the same broker calls and audit names as the /v1 topology routes. */
describe.each(drivers)('console topology edits on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;
  let security: Security;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    security = await startSecurity(t.db);
    api = consoleCaller(t.broker, driver, { actor: 'session:operator', scopes: ['admin'], ip: '10.0.0.5', security });
  });
  afterEach(async () => {
    await security.stop();
    await t.close();
  });

  const audit = async () => (await security.audit.read({ limit: 50 })).entries.reverse().map((e) => [e.action, e.target, e.detail]);

  it('creates a queue with its settings and its .dlq, and refuses a name that exists without touching it', async () => {
    const q = await api.queues.create({ name: 'jobs', settings: { maxDeliveries: 3, visibilityTimeoutMs: 5_000, durability: 'memory' } });
    expect(q).toMatchObject({ name: 'jobs', ready: 0, settings: { maxDeliveries: 3, visibilityTimeoutMs: 5_000, durability: 'memory' } });
    expect((await t.broker.listQueues()).map((x) => x.name)).toEqual(['jobs', 'jobs.dlq']);

    await expect(api.queues.create({ name: 'jobs', settings: { maxDeliveries: 9 } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "Queue 'jobs' already exists",
    });
    expect((await t.broker.queueInfo('jobs')).settings.maxDeliveries).toBe(3);
    expect(await audit()).toEqual([['queue.declare', 'jobs', { created: true, settings: q.settings }]]);
  });

  it('refuses bad settings and names with the broker\'s message, and writes nothing', async () => {
    await expect(api.queues.create({ name: 'r', settings: { retry: { initialDelayMs: 5_000, maxDelayMs: 10 } } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('retry.maxDelayMs (10) is below retry.initialDelayMs (5000)'),
    });
    await expect(api.queues.create({ name: '..' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.queues.create({ name: 'amq.mine' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.queues.create({ name: 'x', settings: { maxDeliveries: 0 } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await t.broker.listQueues()).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('deletes a queue; a DLQ still in use is CONFLICT and stays', async () => {
    await api.queues.create({ name: 'jobs' });
    await expect(api.queues.delete({ name: 'jobs.dlq' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await api.queues.delete({ name: 'jobs' })).toEqual({ deleted: true });
    expect(await api.queues.delete({ name: 'jobs.dlq' })).toEqual({ deleted: true });
    await expect(api.queues.delete({ name: 'jobs' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.broker.listQueues()).toEqual([]);
    expect((await audit()).map(([action, target]) => [action, target])).toEqual([
      ['queue.declare', 'jobs'],
      ['queue.delete', 'jobs'],
      ['queue.delete', 'jobs.dlq'],
    ]);
  });

  it('creates and deletes an exchange; an existing name is CONFLICT whatever its type', async () => {
    expect(await api.exchanges.create({ name: 'orders', type: 'topic' })).toEqual({ name: 'orders', type: 'topic' });
    await expect(api.exchanges.create({ name: 'orders', type: 'topic' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "Exchange 'orders' already exists (topic)",
    });
    await expect(api.exchanges.create({ name: 'orders', type: 'fanout' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(api.exchanges.create({ name: 'amq.default', type: 'direct' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining("'amq.'") });
    expect((await api.exchanges.get({ name: 'orders' })).exchange.type).toBe('topic');
    expect(await api.exchanges.delete({ name: 'orders' })).toEqual({ deleted: true });
    await expect(api.exchanges.get({ name: 'orders' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.exchanges.delete({ name: 'amq.default' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await audit()).toEqual([
      ['exchange.declare', 'orders', { type: 'topic', created: true }],
      ['exchange.delete', 'orders', null],
    ]);
  });

  it('an exchange a queue dead-letters through cannot be deleted', async () => {
    await api.exchanges.create({ name: 'graveyard', type: 'fanout' });
    await api.queues.create({ name: 'jobs', settings: { deadLetter: { exchange: 'graveyard' } } });
    await expect(api.exchanges.delete({ name: 'graveyard' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await api.exchanges.list()).map((x) => x.name)).toContain('graveyard');
  });

  it('binds and unbinds by key and by headers; a repeat reports created or deleted false', async () => {
    await api.exchanges.create({ name: 'orders', type: 'topic' });
    await api.exchanges.create({ name: 'by-tenant', type: 'headers' });
    await api.queues.create({ name: 'shipping' });
    expect(await api.exchanges.bind({ exchange: 'orders', queue: 'shipping', key: 'order.*' })).toEqual({
      created: true,
      binding: { exchange: 'orders', queue: 'shipping', key: 'order.*' },
    });
    expect((await api.exchanges.bind({ exchange: 'orders', queue: 'shipping', key: 'order.*' })).created).toBe(false);
    const byHeader = await api.exchanges.bind({ exchange: 'by-tenant', queue: 'shipping', headers: { match: 'any', values: { Tenant: 'acme' } } });
    // Stored as the broker matches them: header names lowercased.
    expect(byHeader.binding).toEqual({ exchange: 'by-tenant', queue: 'shipping', key: '', headers: { match: 'any', values: { tenant: 'acme' } } });

    const sent = await api.exchanges.publish({ exchange: 'orders', routingKey: 'order.paid', body: { text: '{}', contentType: 'application/json' } });
    expect(sent.queues).toEqual(['shipping']);

    expect(await api.exchanges.unbind({ exchange: 'orders', queue: 'shipping', key: 'order.*' })).toEqual({ deleted: true });
    expect(await api.exchanges.unbind({ exchange: 'orders', queue: 'shipping', key: 'order.*' })).toEqual({ deleted: false });
    expect((await api.exchanges.get({ name: 'orders' })).bindings).toEqual([]);

    const bindings = (await audit()).filter(([action]) => String(action).startsWith('binding.'));
    expect(bindings).toEqual([
      ['binding.declare', 'orders → shipping', { created: true, key: 'order.*' }],
      ['binding.declare', 'orders → shipping', { created: false, key: 'order.*' }],
      ['binding.declare', 'by-tenant → shipping', { created: true, key: '', headers: { match: 'any', values: { Tenant: 'acme' } } }],
      ['binding.delete', 'orders → shipping', { deleted: true, key: 'order.*' }],
      ['binding.delete', 'orders → shipping', { deleted: false, key: 'order.*' }],
    ]);
  });

  it('a binding to a missing queue or exchange, or with a bad topic key, is refused and adds nothing', async () => {
    await api.exchanges.create({ name: 'orders', type: 'topic' });
    await api.queues.create({ name: 'shipping' });
    await expect(api.exchanges.bind({ exchange: 'orders', queue: 'nope', key: 'a' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.exchanges.bind({ exchange: 'nope', queue: 'shipping', key: 'a' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.exchanges.bind({ exchange: 'orders', queue: 'shipping', key: 'a.#x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await api.exchanges.get({ name: 'orders' })).bindings).toEqual([]);
  });

  it('a key with the manage scope declares from the console, and the entry names it', async () => {
    const manager = consoleCaller(t.broker, driver, { actor: 'key:ro', scopes: ['manage'], security });
    await manager.queues.create({ name: 'by-manager' });
    expect((await security.audit.read({ limit: 5 })).entries[0]).toMatchObject({ actor: 'key:ro', action: 'queue.declare', target: 'by-manager' });
  });
});
