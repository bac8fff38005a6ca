import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/** A server takes back its own export, however much bigger than a message body it is. */
describe.each(drivers)('a definitions document above the body limit on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_MAX_BODY_BYTES: '16kb' });
  });
  afterAll(async () => s?.close());

  it('is imported, while a publish of that size is still 413', async () => {
    const queues = Array.from({ length: 150 }, (_, i) => ({ name: `big.q${i}`, settings: { maxDeliveries: 3 } }));
    const first = await call(s.url, 'POST', '/v1/definitions', { exchanges: [], queues, bindings: [] });
    expect(first.status).toBe(200);
    const exported = await call(s.url, 'GET', '/v1/definitions');
    expect(JSON.stringify(exported.body).length).toBeGreaterThan(16 * 1024);
    const again = await call(s.url, 'POST', '/v1/definitions', exported.body);
    expect(again.status).toBe(200);
    expect(again.body.queues).toBe(exported.body.queues.length);
    const publish = await call(s.url, 'POST', '/v1/queues/big.q0/messages', { pad: 'x'.repeat(20 * 1024) });
    expect(publish.status).toBe(413);
  });
});
