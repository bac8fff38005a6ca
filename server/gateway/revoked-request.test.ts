import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

const ADMIN = 'test-admin-token-0123456789';

/** A key revoked while its request-reply call waits is not given the reply, as a revoked receive takes nothing. */
describe.each(drivers)('a key revoked during its request-reply call on %s', (driver) => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(s.url, method, path, body, { authorization: `Bearer ${ADMIN}`, ...headers });
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
    await admin('PUT', '/v1/exchanges/rpc', { type: 'direct' });
    await admin('PUT', '/v1/queues/rpc.requests', {});
    await admin('POST', '/v1/bindings', { exchange: 'rpc', queue: 'rpc.requests', key: 'quote' });
  });
  afterAll(async () => s?.close());

  it('401 unauthenticated without the reply, which stays in the store under the correlation ID', async () => {
    const created = await admin('POST', '/v1/keys', { name: 'requester', scopes: ['publish:rpc'] });
    const pending = call(s.url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=10000', 'price?', { authorization: `Bearer ${created.body.key}` });
    const request = await waitFor(async () => (await admin('POST', '/v1/queues/rpc.requests/receive', { waitMs: 200 })).body.messages[0], 5000);
    expect((await admin('DELETE', `/v1/keys/${created.body.id}`)).status).toBe(204);
    await sleep(100);
    const replied = await admin('POST', `/v1/queues/${request.replyTo}/messages`, { secret: 'the-reply' }, { 'hatoba-correlation-id': request.correlationId });
    expect(replied.status).toBe(201);
    const answer = await pending;
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'unauthenticated', details: { published: true, correlationId: request.correlationId } });
    expect(JSON.stringify(answer.body)).not.toContain('the-reply');
    const found = await admin('GET', `/v1/messages?correlationId=${encodeURIComponent(request.correlationId)}`);
    expect(found.status).toBe(200);
    expect(found.body.messages.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([request.id, replied.body.id]));
  });
});
