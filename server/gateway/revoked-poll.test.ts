import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

const ADMIN = 'test-admin-token-0123456789';

/** A key revoked while its long poll waits takes nothing: what arrives stays for other consumers. */
describe.each(drivers)('a key revoked during its long poll on %s', (driver) => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown) => call(s.url, method, path, body, { authorization: `Bearer ${ADMIN}` });
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
  });
  afterAll(async () => s?.close());

  it.each(['durable', 'memory'])('on a %s queue: 401, and the message stays ready with its attempt unspent', async (durability) => {
    const queue = `revq-${durability}`;
    await admin('PUT', `/v1/queues/${queue}`, { durability });
    const created = await admin('POST', '/v1/keys', { name: `poller-${durability}`, scopes: [`consume:${queue}`] });
    const poll = call(s.url, 'POST', `/v1/queues/${queue}/receive`, { waitMs: 5000 }, { authorization: `Bearer ${created.body.key}` });
    await sleep(300);
    expect((await admin('DELETE', `/v1/keys/${created.body.id}`)).status).toBe(204);
    await admin('POST', `/v1/queues/${queue}/messages`, { secret: 'after-revoke' });
    const answer = await poll;
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthenticated');
    expect(JSON.stringify(answer.body)).not.toContain('after-revoke');
    const taken = await admin('POST', `/v1/queues/${queue}/receive`, { max: 10 });
    expect(taken.body.messages).toHaveLength(1);
    expect(taken.body.messages[0]).toMatchObject({ attempt: 1, body: { secret: 'after-revoke' } });
  });
});
