import { afterEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe.each(drivers)("the broker's own amq. queues over HTTP on %s", (driver) => {
  let s: TestServer;
  afterEach(async () => s.close());

  it('DELETE of a reply queue and bindings to or from it answer 400 reserved_name; the queue stays', async () => {
    s = await startTestServer(driver, { HATOBA_NODE_ID: 'node-3' });
    expect((await call(s.url, 'PUT', '/v1/exchanges/pricing', { type: 'direct' })).status).toBe(201);
    // A first request makes this node's reply queue (nobody is bound, so it is refused at once).
    expect((await call(s.url, 'POST', '/v1/exchanges/pricing/request?key=price.quote&timeoutMs=1000', 'x')).body.error.code).toBe('unroutable');
    expect((await call(s.url, 'GET', '/v1/queues/amq.reply.node-3')).status).toBe(200);

    const binding = { exchange: 'pricing', queue: 'amq.reply.node-3', key: 'price.quote' };
    for (const [method, path, body] of [
      ['DELETE', '/v1/queues/amq.reply.node-3', undefined],
      ['POST', '/v1/bindings', binding],
      ['DELETE', '/v1/bindings', binding],
    ] as const) {
      const r = await call(s.url, method, path, body);
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 400, 'reserved_name']);
      expect(r.body.error.message).toMatch(/^Queue 'amq\.reply\.node-3' is the broker's own \(names starting with 'amq\.' are reserved\)/);
    }
    expect((await call(s.url, 'GET', '/v1/queues/amq.reply.node-3')).status).toBe(200);
    expect((await call(s.url, 'GET', '/v1/exchanges')).body.exchanges.find((e: { name: string }) => e.name === 'pricing').bindings).toBe(0);
  });
});
