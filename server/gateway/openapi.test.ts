import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

const ADMIN = 'test-admin-token-0123456789';

describe.each(drivers)('scopes in the OpenAPI document on %s', (driver) => {
  let s: TestServer;
  let doc: { paths: Record<string, Record<string, { security: unknown[]; 'x-hatoba-scope': string | null; description: string }>>; components: any };
  const admin = (method: string, path: string, body?: unknown) => call(s.url, method, path, body, { authorization: `Bearer ${ADMIN}` });
  const op = (method: string, path: string) => doc.paths[path]![method.toLowerCase()]!;

  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
    doc = (await call(s.url, 'GET', '/v1/openapi.json')).body;
    await admin('PUT', '/v1/exchanges/orders', { type: 'topic' });
    await admin('PUT', '/v1/queues/inventory', {});
  });
  afterAll(async () => s.close());

  it('lists the query parameters each operation reads (and nothing for those that read none)', () => {
    const names = (method: string, path: string, where: string) =>
      ((op(method, path) as unknown as { parameters: { name: string; in: string }[] }).parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
    expect(names('GET', '/v1/exchanges/{exchange}/log', 'query')).toEqual(['after', 'limit', 'key']);
    expect(names('POST', '/v1/exchanges/{exchange}/messages', 'query')).toEqual(['key']);
    expect(names('POST', '/v1/exchanges/{exchange}/request', 'query')).toEqual(['key', 'timeoutMs']);
    expect(names('GET', '/v1/queues', 'query')).toEqual(['limit', 'cursor']);
    expect(names('GET', '/v1/queues/{name}', 'query')).toEqual([]);
    expect(names('GET', '/v1/exchanges/{exchange}/log', 'path')).toEqual(['exchange']);
  });

  it('states each operation\'s scope with a bearer security requirement, from the route\'s own access need', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(op('POST', '/v1/exchanges/{exchange}/messages')).toMatchObject({
      'x-hatoba-scope': 'publish:<exchange>',
      security: [{ bearerAuth: ['publish:<exchange>'] }],
      description: expect.stringContaining('`publish:<exchange>`'),
    });
    expect(op('POST', '/v1/queues/{queue}/messages')['x-hatoba-scope']).toBe('publish:amq.default');
    expect(op('POST', '/v1/queues/{name}/receive')['x-hatoba-scope']).toBe('consume:<name>');
    expect(op('PUT', '/v1/queues/{name}')['x-hatoba-scope']).toBe('manage');
    expect(op('GET', '/v1/queues')['x-hatoba-scope']).toBe('monitoring');
    expect(op('POST', '/v1/keys')).toMatchObject({ 'x-hatoba-scope': 'admin', security: [{ bearerAuth: ['admin'] }] });
    // Access that depends on the stored source: optional bearer, explained.
    expect(op('POST', '/v1/hooks/{name}')).toMatchObject({ security: [{}, { bearerAuth: [] }], 'x-hatoba-scope': expect.stringContaining('signature') });
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(methods)) {
        expect(o, `${method} ${path}`).toHaveProperty('x-hatoba-scope');
        expect(Array.isArray(o.security), `${method} ${path}`).toBe(true);
      }
    }
  });

  it('a key holding exactly the documented scope may call the operation; one without it is refused', async () => {
    const probes: [string, string, Record<string, string>, unknown][] = [
      ['POST', '/v1/exchanges/{exchange}/messages', { exchange: 'orders' }, 'hello'],
      ['POST', '/v1/queues/{name}/receive', { name: 'inventory' }, { max: 1 }],
      ['PUT', '/v1/queues/{name}', { name: 'scratch' }, {}],
      ['GET', '/v1/queues', {}, undefined],
      ['GET', '/v1/keys', {}, undefined],
    ];
    const unrelated = (await admin('POST', '/v1/keys', { name: 'unrelated', scopes: ['consume:nothing-here'] })).body.key;
    for (const [method, template, params, body] of probes) {
      const documented = op(method, template)['x-hatoba-scope']!;
      const scope = documented.replace(/<(\w+)>/g, (_m, name: string) => params[name]!);
      const key = (await admin('POST', '/v1/keys', { name: `exact ${method} ${template}`, scopes: [scope] })).body.key;
      const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name]!);
      const allowed = await call(s.url, method, path, body, { authorization: `Bearer ${key}` });
      expect([401, 403].includes(allowed.status), `${method} ${path} with ${scope}: ${allowed.status}`).toBe(false);
      expect((await call(s.url, method, path, body, { authorization: `Bearer ${unrelated}` })).status, `${method} ${path}`).toBe(403);
    }
  });
});
