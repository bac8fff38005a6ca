import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * README: each operation in /v1/openapi.json "lists every error status it can answer". These
 * calls answer 404 or 409 on a live server (third API probe); the document must list each
 * status under its operation, and the 2xx bodies it describes must have the fields sent.
 */
describe.each(drivers)('the OpenAPI document lists the statuses live calls answer (%s)', (driver) => {
  let s: TestServer;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: any }> }> }>> };
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);

  beforeAll(async () => {
    s = await startTestServer(driver);
    doc = (await api('GET', '/v1/openapi.json')).body;
    await api('PUT', '/v1/exchanges/lx', { type: 'topic' });
    await api('PUT', '/v1/queues/lq', {});
    await api('PUT', '/v1/queues/lq.dlq', { deadLetter: false });
    await api('PUT', '/v1/queues/viax', { deadLetter: { exchange: 'lx', routingKey: 'dead' } });
  });
  afterAll(async () => s.close());

  const listed = (method: string, template: string, status: number) => Object.keys(doc.paths[template]![method.toLowerCase()]!.responses).includes(String(status));

  it.each([
    ['PUT', '/v1/queues/{name}', '/v1/queues/q1', { deadLetter: { exchange: 'nope' } }, 404, 'exchange_not_found'],
    ['DELETE', '/v1/queues/{name}', '/v1/queues/lq.dlq', undefined, 409, 'queue_in_use'],
    ['DELETE', '/v1/exchanges/{name}', '/v1/exchanges/lx', undefined, 409, 'exchange_in_use'],
    ['POST', '/v1/definitions', '/v1/definitions', { bindings: [{ exchange: 'lx', queue: 'nope' }] }, 404, 'queue_not_found'],
    ['POST', '/v1/definitions', '/v1/definitions', { exchanges: [{ name: 'lx', type: 'direct' }] }, 409, 'exchange_type_mismatch'],
    ['POST', '/v1/queues/{dlq}/replay', '/v1/queues/lq.dlq/replay', { all: true, target: { queue: 'lq.dlq' } }, 409, 'queue_in_use'],
    [
      'POST',
      '/v1/exchanges/{exchange}/replay',
      '/v1/exchanges/lx/replay',
      { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', target: { queue: 'lq.dlq' } },
      409,
      'queue_in_use',
    ],
  ] as const)('%s %s answers %#: the document lists it', async (method, template, path, body, status, code) => {
    const r = await api(method, path, body);
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
    expect(listed(method, template, status), `${method} ${template} ${status}`).toBe(true);
  });

  it('declares describe the bodies they answer: an exchange with name and type, a binding with its key', async () => {
    const props = (method: string, template: string, status: number) =>
      Object.keys(doc.paths[template]![method]!.responses[String(status)]!.content!['application/json']!.schema.properties ?? {}).sort();
    const exchange = await api('PUT', '/v1/exchanges/lx2', { type: 'direct' });
    expect(props('put', '/v1/exchanges/{name}', 201)).toEqual(Object.keys(exchange.body).sort());
    const binding = await api('POST', '/v1/bindings', { exchange: 'lx2', queue: 'lq', key: 'k' });
    expect(props('post', '/v1/bindings', 201)).toEqual(expect.arrayContaining(Object.keys(binding.body)));
  });
});
