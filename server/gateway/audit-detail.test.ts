import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

const ADMIN = 'test-admin-token-0123456789';

/** An audit entry says what was done, not only to what, and by a key its name tells apart: a reader should not need a second lookup. */
describe.each(drivers)('what the audit log records on %s', (driver) => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown) => call(s.url, method, path, body, { authorization: `Bearer ${ADMIN}` });
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
  });
  afterAll(async () => s?.close());

  const entry = async (action: string) => (await admin('GET', `/v1/audit?action=${action}`)).body.entries[0];

  it('an exchange replay: the range, key and target beside the count', async () => {
    await admin('PUT', '/v1/exchanges/orders', { type: 'topic' });
    await admin('PUT', '/v1/queues/again', {});
    await admin('POST', '/v1/exchanges/orders/messages?key=order.paid', { n: 1 });
    const request = { from: '2020-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z', routingKey: 'order.paid', target: { queue: 'again' } };
    expect((await admin('POST', '/v1/exchanges/orders/replay', request)).body).toEqual({ replayed: 1 });
    expect(await entry('exchange.replay')).toMatchObject({ target: 'orders', detail: { ...request, replayed: 1 } });
  });

  it('an active key name is not given twice (audit names keys by name); a revoked key frees it', async () => {
    const first = (await admin('POST', '/v1/keys', { name: 'svc-a', scopes: ['monitoring'] })).body;
    const twice = await admin('POST', '/v1/keys', { name: 'svc-a', scopes: ['manage'] });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'key_name_taken', details: { name: 'svc-a' } });
    expect((await admin('DELETE', `/v1/keys/${first.id}`)).status).toBe(204);
    expect((await admin('POST', '/v1/keys', { name: 'svc-a', scopes: ['manage'] })).status).toBe(201);
  });

  it("a key's revocation: its name and prefix", async () => {
    const made = (await admin('POST', '/v1/keys', { name: 'ci-bot', scopes: ['monitoring'] })).body;
    expect((await admin('DELETE', `/v1/keys/${made.id}`)).status).toBe(204);
    expect(await entry('key.revoke')).toMatchObject({ target: made.id, detail: { name: 'ci-bot', prefix: made.key.slice(0, 10) } });
  });
});
