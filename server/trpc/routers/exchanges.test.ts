import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../../test/databases';
import { startTestBroker, type TestBroker } from '../../../test/broker';
import { consoleCaller, type ConsoleCaller, startSecurity } from '../../../test/console-caller';
import type { Security } from '../../auth';

const json = (text: string) => ({ text, contentType: 'application/json' });

describe.each(drivers)('exchanges API on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = consoleCaller(t.broker, driver);
    await t.broker.declareExchange('orders', 'topic');
    await t.broker.declareExchange('by-tenant', 'headers');
    await t.broker.declareQueue('shipping', {});
    await t.broker.declareQueue('inventory', {});
    await t.broker.bind({ exchange: 'orders', queue: 'shipping', key: 'order.completed' });
    await t.broker.bind({ exchange: 'orders', queue: 'inventory', key: 'order.*' });
    await t.broker.bind({ exchange: 'orders', queue: 'inventory', key: 'order.#' });
    await t.broker.bind({ exchange: 'by-tenant', queue: 'shipping', key: '', headers: { match: 'all', values: { Tenant: 'acme' } } });
  });
  afterEach(() => t.close());

  it('lists every exchange, the default one included, with type, binding count and rate', async () => {
    const list = await api.exchanges.list();
    expect(list.map((x) => x.name)).toEqual(['amq.default', 'by-tenant', 'orders']);
    expect(list.find((x) => x.name === 'orders')).toMatchObject({ type: 'topic', bindings: 3, publishRate: expect.any(Number) });
    expect(list.find((x) => x.name === 'amq.default')).toMatchObject({ type: 'direct', bindings: 0 });
  });

  it('reads one exchange with its bindings, ordered by queue then key', async () => {
    const got = await api.exchanges.get({ name: 'orders' });
    expect(got.exchange).toMatchObject({ name: 'orders', type: 'topic', bindings: 3 });
    expect(got.bindings.map((b) => [b.queue, b.key])).toEqual([
      ['inventory', 'order.#'],
      ['inventory', 'order.*'],
      ['shipping', 'order.completed'],
    ]);
    // Header arguments travel as stored (names lowercased).
    const headers = await api.exchanges.get({ name: 'by-tenant' });
    expect(headers.bindings).toEqual([{ exchange: 'by-tenant', queue: 'shipping', key: '', headers: { match: 'all', values: { tenant: 'acme' } } }]);
    expect(await api.exchanges.get({ name: 'amq.default' })).toMatchObject({ exchange: { name: 'amq.default' }, bindings: [] });
  });

  it('an unknown exchange is NOT_FOUND with the broker message, a name no exchange can have BAD_REQUEST', async () => {
    await expect(api.exchanges.get({ name: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: "Exchange 'missing' does not exist" });
    await expect(api.exchanges.get({ name: 'bad name!' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.exchanges.publish({ exchange: 'missing', routingKey: 'k', body: json('{}') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('publishes with a routing key and says which queues it reached', async () => {
    const sent = await api.exchanges.publish({ exchange: 'orders', routingKey: 'order.completed', body: json('{"n":1}'), correlationId: 'corr-x' });
    expect(sent).toMatchObject({ queues: ['inventory', 'shipping'], correlationId: 'corr-x', duplicate: false });
    expect((await api.queues.get({ name: 'shipping' })).ready).toBe(1);
    expect((await api.messages.get({ id: sent.id })).routedTo.sort()).toEqual(['inventory', 'shipping']);
    // Header names are matched lowercased, whatever case the form used.
    const byHeader = await api.exchanges.publish({ exchange: 'by-tenant', body: json('{}'), headers: { TENANT: 'acme' } });
    expect(byHeader.queues).toEqual(['shipping']);
    // The default exchange routes by queue name.
    expect((await api.exchanges.publish({ exchange: 'amq.default', routingKey: 'inventory', body: json('{}') })).queues).toEqual(['inventory']);
  });

  it('a message no binding takes is kept and answered with no queue, not refused', async () => {
    const sent = await api.exchanges.publish({ exchange: 'orders', routingKey: 'invoice.paid', body: json('{}') });
    expect(sent.queues).toEqual([]);
    const trace = await api.traces.get({ correlationId: sent.correlationId });
    expect(trace.events.map((e) => e.type)).toContain('unroutable');
    await expect(api.exchanges.publish({ exchange: 'orders', routingKey: 'has space', body: json('{}') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  describe('audit', () => {
    let security: Security;
    beforeEach(async () => {
      security = await startSecurity(t.db);
    });
    afterEach(() => security.stop());

    it('records exchange.publish with the key and where it went; a failed publish records nothing', async () => {
      const op = consoleCaller(t.broker, driver, { actor: 'session:operator', scopes: ['admin'], ip: '10.1.2.3', security });
      const sent = await op.exchanges.publish({ exchange: 'orders', routingKey: 'order.created', body: json('{}') });
      await expect(op.exchanges.publish({ exchange: 'missing', routingKey: 'k', body: json('{}') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const { entries } = await security.audit.read({ limit: 10 });
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        actor: 'session:operator',
        action: 'exchange.publish',
        target: 'orders',
        ip: '10.1.2.3',
        detail: { id: sent.id, correlationId: sent.correlationId, routingKey: 'order.created', queues: ['inventory'] },
      });
    });
  });
});
