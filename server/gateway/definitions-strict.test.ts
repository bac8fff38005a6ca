import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe.each(drivers)('definitions: strict at every level, and an export always imports, on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);

  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it('round trip: what GET /v1/definitions exports, POST imports unchanged (every kind of exchange, queue setting and binding)', async () => {
    for (const [name, type] of [['dx', 'direct'], ['fx', 'fanout'], ['tx', 'topic'], ['hx', 'headers'], ['dlx', 'direct']]) {
      expect((await api('PUT', `/v1/exchanges/${name}`, { type })).status).toBe(201);
    }
    const queues: [string, unknown][] = [
      ['plain', {}],
      ['mem', { durability: 'memory', maxDeliveries: 2, visibilityTimeoutMs: 1000, retry: { initialDelayMs: 10, maxDelayMs: 20, multiplier: 3, jitter: 0 }, messageTtlMs: 60_000, maxLength: 10 }],
      ['nodl', { deadLetter: false }],
      ['viax', { deadLetter: { exchange: 'dlx', routingKey: 'failed' } }],
      ['viadefault', { deadLetter: { exchange: 'amq.default', routingKey: 'plain' } }],
      ['viaxnokey', { deadLetter: { exchange: 'dlx' } }],
    ];
    for (const [name, settings] of queues) expect((await api('PUT', `/v1/queues/${name}`, settings)).status).toBe(201);
    for (const b of [
      { exchange: 'dx', queue: 'plain', key: 'k' },
      { exchange: 'fx', queue: 'mem' },
      { exchange: 'tx', queue: 'nodl', key: 'a.*.#' },
      { exchange: 'hx', queue: 'viax', headers: { match: 'any', values: { tenant: 'acme', region: 'eu' } } },
      { exchange: 'dlx', queue: 'plain.dlq', key: 'failed' },
    ]) {
      expect((await api('POST', '/v1/bindings', b)).status).toBe(201);
    }
    // A node's own reply queue exists after a request; it is not exported.
    await api('POST', '/v1/exchanges/dx/request?key=nobody&timeoutMs=100', 'x');

    const exported = await api('GET', '/v1/definitions');
    expect(exported.status).toBe(200);
    expect(exported.body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['mem', 'mem.dlq', 'plain.dlq']));
    const imported = await api('POST', '/v1/definitions', exported.body);
    expect(imported.body).toEqual({ exchanges: 5, queues: exported.body.queues.length, bindings: 5, skipped: [] });
    expect((await api('GET', '/v1/definitions')).body).toEqual(exported.body);
  });

  it.each([
    ['a queue setting beside settings', { queues: [{ name: 'defq2', maxDeliveries: 2 }] }, 'queues.0.maxDeliveries', /"maxDeliveries".*go in settings/],
    ['a misspelt setting', { queues: [{ name: 'defq2', settings: { maxDelivery: 2 } }] }, 'queues.0.settings.maxDelivery', /"maxDelivery"/],
    ['a nested retry key', { queues: [{ name: 'defq2', settings: { retry: { delay: 1 } } }] }, 'queues.0.settings.retry.delay', /"delay"/],
    ['a version', { version: 99, queues: [{ name: 'defq2' }] }, 'version', /"version" in the document/],
    ['an exchange key', { exchanges: [{ name: 'defx', type: 'direct', durable: true }] }, 'exchanges.0.durable', /"durable".*\{name, type\}/],
    ['a binding key', { bindings: [{ exchange: 'dx', queue: 'plain', key: 'z', arguments: {} }] }, 'bindings.0.arguments', /"arguments"/],
    ['a headers-match key', { bindings: [{ exchange: 'hx', queue: 'plain', headers: { match: 'all', values: {}, x: 1 } }] }, 'bindings.0.headers.x', /"x"/],
  ])('an unknown key (%s) is 400 validation_failed naming it in its path, and nothing is imported', async (_what, doc, path, message) => {
    const r = await api('POST', '/v1/definitions', doc);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
    const now = (await api('GET', '/v1/definitions')).body;
    expect(now.queues.map((q: { name: string }) => q.name)).not.toContain('defq2');
    expect(now.exchanges.map((e: { name: string }) => e.name)).not.toContain('defx');
  });

  it('a queue named twice in one document is 400 validation_failed naming the second, and nothing is imported', async () => {
    const r = await api('POST', '/v1/definitions', { exchanges: [{ name: 'defx', type: 'direct' }], queues: [{ name: 'defq2' }, { name: 'defq2', settings: { maxDeliveries: 2 } }] });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details.issues).toEqual([{ path: 'queues.1.name', message: "the document declares queue 'defq2' twice (queues[0] and queues[1]); keep one" }]);
    const now = (await api('GET', '/v1/definitions')).body;
    expect(now.queues.map((q: { name: string }) => q.name)).not.toContain('defq2');
    expect(now.exchanges.map((e: { name: string }) => e.name)).not.toContain('defx');
  });

  it('POST /v1/bindings refuses an unknown key in headers too', async () => {
    const r = await api('POST', '/v1/bindings', { exchange: 'hx', queue: 'plain', headers: { match: 'all', values: { a: 'b' }, extra: true } });
    expect(r.status).toBe(400);
    expect(r.body.error.details.issues).toEqual([{ path: 'headers.extra', message: expect.stringContaining('"extra"') }]);
  });
});
