import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * `?key=` on messages:batch is the routing key of a CloudEvents batch's events; a JSON batch
 * gives each message its own (messages[].routingKey), so `?key=` there is refused, not ignored.
 */
describe.each(drivers)('messages:batch and ?key= (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const ready = async (queue: string) => (await api('GET', `/v1/queues/${queue}`)).body.ready;

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/kx', { type: 'direct' });
    for (const q of ['kq', 'typed']) await api('PUT', `/v1/queues/${q}`, {});
    await api('POST', '/v1/bindings', { exchange: 'kx', queue: 'kq', key: 'k' });
    await api('POST', '/v1/bindings', { exchange: 'kx', queue: 'typed', key: 'order.created' });
  });
  afterAll(async () => s.close());

  it('a JSON batch with ?key= is 400 validation_failed naming key and where a JSON batch puts it; nothing is published', async () => {
    for (const path of ['/v1/exchanges/kx/messages:batch?key=k', '/v1/exchanges/kx/messages:batch?key=']) {
      const r = await api('POST', path, { messages: [{ routingKey: 'k', body: 1 }, { body: 2 }] });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(r.body.error.message).toMatch(/'key'.*only.*CloudEvents batch.*messages\[\]\.routingKey/);
      expect(r.body.error.details).toMatchObject({ field: 'key', issues: [{ path: 'key', message: expect.any(String) }] });
    }
    expect(await ready('kq')).toBe(0);
    // without it, the same batch is published
    expect((await api('POST', '/v1/exchanges/kx/messages:batch', { messages: [{ routingKey: 'k', body: 1 }] })).status).toBe(201);
    expect(await ready('kq')).toBe(1);
  });

  it('a CloudEvents batch still takes ?key= as the routing key of every event', async () => {
    const events = [{ specversion: '1.0', type: 'order.created', id: 'e1', source: '/s', data: { n: 1 } }];
    const h = { 'content-type': 'application/cloudevents-batch+json' };
    const keyed = await api('POST', '/v1/exchanges/kx/messages:batch?key=k', JSON.stringify(events), h);
    expect(keyed.status).toBe(201);
    expect(keyed.body.results[0].queues).toEqual(['kq']);
    const byType = await api('POST', '/v1/exchanges/kx/messages:batch', JSON.stringify([{ ...events[0], id: 'e2' }]), h);
    expect(byType.body.results[0].queues).toEqual(['typed']);
  });
});
