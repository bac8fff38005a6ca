import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * A receipt settled on a queue it does not belong to settles nothing and is stale there, as
 * before; the answer now also names the queue whose current lease it is (`otherQueue`), so a
 * client does not take a wrong path for a lost lease. Both tiers, both ways round.
 */
describe.each(drivers)('receipts given on the wrong queue (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);
  const leaseOne = async (queue: string) => {
    expect((await api('POST', `/v1/queues/${queue}/messages`, 'x')).status).toBe(201);
    const got = await api('POST', `/v1/queues/${queue}/receive`, { max: 1 });
    return got.body.messages[0].receipt as string;
  };

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/queues/durable-a', {});
    await api('PUT', '/v1/queues/memory-b', { durability: 'memory' });
    await api('PUT', '/v1/queues/other-c', {});
  });
  afterAll(async () => s.close());

  for (const [owner, wrong] of [
    ['durable-a', 'other-c'],
    ['durable-a', 'memory-b'],
    ['memory-b', 'other-c'],
  ]) {
    it(`a ${owner} receipt on ${wrong}: stale there, named with ${owner}, and still good on ${owner}`, async () => {
      const receipt = await leaseOne(owner!);
      const expected = { stale: [receipt], otherQueue: [{ receipt, queue: owner }] };
      expect((await api('POST', `/v1/queues/${wrong}/ack`, { receipts: [receipt] })).body).toEqual({ acked: 0, ...expected });
      expect((await api('POST', `/v1/queues/${wrong}/extend`, { receipts: [receipt], visibilityMs: 60_000 })).body).toEqual({ extended: 0, ...expected });
      expect((await api('POST', `/v1/queues/${wrong}/nack`, { receipts: [receipt] })).body).toEqual({ nacked: 0, ...expected });
      expect((await api('POST', `/v1/queues/${owner}/ack`, { receipts: [receipt] })).body).toEqual({ acked: 1, stale: [] });
    });
  }

  it('a receipt whose lease ended is stale with no otherQueue; one call sorts a mixed list', async () => {
    const good = await leaseOne('other-c');
    const elsewhere = await leaseOne('durable-a');
    expect((await api('POST', '/v1/queues/other-c/ack', { receipts: [good] })).body).toEqual({ acked: 1, stale: [] });
    // `good` is acked now: stale, and current nowhere
    expect((await api('POST', '/v1/queues/other-c/ack', { receipts: [good] })).body).toEqual({ acked: 0, stale: [good] });
    const fresh = await leaseOne('other-c');
    expect((await api('POST', '/v1/queues/other-c/ack', { receipts: [fresh, good, elsewhere] })).body).toEqual({
      acked: 1,
      stale: [good, elsewhere],
      otherQueue: [{ receipt: elsewhere, queue: 'durable-a' }],
    });
    await api('POST', '/v1/queues/durable-a/ack', { receipts: [elsewhere] });
  });
});
