import { afterEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe.each(drivers)('GET /v1/queues/{name}/consumers on %s', (driver) => {
  let s: TestServer;
  afterEach(async () => s.close());
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);

  it('lists each consumer of the last 30 s with its node, deliveries per second and last receive', async () => {
    s = await startTestServer(driver, { HATOBA_NODE_ID: 'node-1' });
    expect((await api('PUT', '/v1/queues/work', {})).status).toBe(201);
    expect((await api('GET', '/v1/queues/work/consumers')).body).toEqual({ consumers: [], unlisted: 0 });
    for (let i = 0; i < 4; i++) expect((await api('POST', '/v1/queues/work/messages', `m${i}`)).status).toBe(201);
    const before = Date.now();
    const fast = await api('POST', '/v1/queues/work/receive', { max: 3, waitMs: 0 }, { 'hatoba-consumer': 'fast' });
    const slow = await api('POST', '/v1/queues/work/receive', { max: 3, waitMs: 0 }, { 'hatoba-consumer': 'slow' });
    expect([fast.body.messages.length, slow.body.messages.length]).toEqual([3, 1]);
    await new Promise((r) => setTimeout(r, 1100)); // rates leave out the current second
    const { status, body } = await api('GET', '/v1/queues/work/consumers');
    expect(status).toBe(200);
    expect(body).toEqual({
      consumers: [
        { name: 'fast', nodes: ['node-1'], deliverRate: 0.05, lastSeenAt: expect.any(String) },
        { name: 'slow', nodes: ['node-1'], deliverRate: 0.02, lastSeenAt: expect.any(String) },
      ],
      unlisted: 0,
    });
    for (const c of body.consumers) expect(Date.parse(c.lastSeenAt)).toBeGreaterThanOrEqual(before - 5);
  });

  it('a consumer without a name is its connection, listed while the connection is open', async () => {
    s = await startTestServer(driver);
    expect((await api('PUT', '/v1/queues/anon', {})).status).toBe(201);
    expect((await api('POST', '/v1/queues/anon/receive', { max: 1, waitMs: 0 })).status).toBe(200);
    const { body } = await api('GET', '/v1/queues/anon/consumers');
    expect(body.consumers).toHaveLength(1);
    expect(body.consumers[0].name).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1):\d+$/);
  });

  it('a queue that does not exist is 404 queue_not_found', async () => {
    s = await startTestServer(driver);
    const missing = await api('GET', '/v1/queues/nope/consumers');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'queue_not_found', details: { queue: 'nope' } });
  });
});
