import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/** A name no queue or exchange can have is 400 invalid_name on every route that names one, as receive says; a valid name that is missing stays 404. */
describe.each(drivers)('impossible names on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it.each([
    ['GET', '/v1/queues/a%20b'],
    ['DELETE', '/v1/queues/a%20b'],
    ['POST', '/v1/queues/a%20b/purge'],
    ['GET', '/v1/queues/a%20b/depth'],
    ['POST', '/v1/queues/a%20b/receive'],
    ['DELETE', '/v1/exchanges/a%20b'],
    ['GET', '/v1/exchanges/a%20b/log'],
  ])('%s %s is 400 invalid_name', async (method, path) => {
    const r = await call(s.url, method, path, method === 'POST' ? {} : undefined);
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'invalid_name' });
  });

  it('a valid name that is missing is still 404', async () => {
    expect((await call(s.url, 'GET', '/v1/queues/nowhere')).body.error.code).toBe('queue_not_found');
    expect((await call(s.url, 'DELETE', '/v1/exchanges/nowhere')).body.error.code).toBe('exchange_not_found');
  });
});
