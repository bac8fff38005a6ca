import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/** POST /v1/queues/{dlq}/replay with filter.arrivedBy: dead letters that arrived in the DLQ after it stay there. */
describe.each(drivers)('replay bounded by filter.arrivedBy over HTTP on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);

  beforeAll(async () => {
    s = await startTestServer(driver);
    expect((await api('PUT', '/v1/queues/jobs', { maxDeliveries: 1 })).status).toBe(201);
  });
  afterAll(async () => s.close());

  async function die(n: number, error: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const published = await api('POST', '/v1/queues/jobs/messages', { n: i });
      expect(published.status).toBeLessThan(300);
      ids.push(published.body.id);
    }
    const got = await api('POST', '/v1/queues/jobs/receive', { max: n, waitMs: 0 });
    expect(got.body.messages).toHaveLength(n);
    const nacked = await api('POST', '/v1/queues/jobs/nack', { receipts: got.body.messages.map((m: { receipt: string }) => m.receipt), requeue: false, error });
    expect(nacked.status).toBe(200);
    return ids;
  }

  it('moves only what arrived by then, with the rest of the filter', async () => {
    await die(2, 'timeout');
    await sleep(5);
    const bound = new Date().toISOString();
    await sleep(5);
    const late = await die(1, 'timeout');
    const r = await api('POST', '/v1/queues/jobs.dlq/replay', { filter: { error: 'timeout', arrivedBy: bound } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ replayed: 2, more: false });
    const left = await api('POST', '/v1/queues/jobs.dlq/receive', { max: 10, waitMs: 0 });
    expect(left.body.messages.map((m: { id: string }) => m.id)).toEqual(late);
  });

  it('a bound that is not an ISO 8601 time → 400 validation_failed naming the field, nothing moved', async () => {
    for (const arrivedBy of ['yesterday', 12345, '2026-13-01T00:00:00Z']) {
      const r = await api('POST', '/v1/queues/jobs.dlq/replay', { all: true, filter: { arrivedBy } });
      expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(JSON.stringify(r.body.error)).toContain('arrivedBy');
    }
  });
});
