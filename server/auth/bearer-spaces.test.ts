import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

const ADMIN = 'test-admin-token-0123456789';

describe.each(drivers)('the Authorization header is read as RFC 7235 says on %s', (driver) => {
  let s: TestServer;
  let key: string;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
    key = (await call(s.url, 'POST', '/v1/keys', { name: 'spaces', scopes: ['monitoring'] }, { authorization: `Bearer ${ADMIN}` })).body.key;
  });
  afterAll(async () => s.close());

  it('accepts one or more spaces after the scheme, and the scheme in any case', async () => {
    for (const token of [ADMIN, key]) {
      for (const header of [`Bearer ${token}`, `Bearer  ${token}`, `Bearer     ${token}`, `bearer ${token}`, `BEARER  ${token}`, `bEaReR ${token}`]) {
        const r = await call(s.url, 'GET', '/v1/queues', undefined, { authorization: header });
        expect(r.status, JSON.stringify(header)).toBe(200);
      }
    }
  });

  it('still refuses anything else', async () => {
    for (const header of ['Bearer', 'Bearer ', `Basic ${ADMIN}`, `Bearer ${ADMIN} extra`, `Bearer${ADMIN}`, `Bearer ${ADMIN}x`, `Bearer\t${ADMIN}x`]) {
      const r = await call(s.url, 'GET', '/v1/queues', undefined, { authorization: header });
      expect(r.status, JSON.stringify(header)).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
    }
  });
});
