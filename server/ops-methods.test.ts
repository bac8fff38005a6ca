import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../test/databases';
import { call, startTestServer, type TestServer } from '../test/server';

const ADMIN = 'test-admin-token-0123456789';

describe.each(drivers)('ops paths answer GET and HEAD only on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN });
  });
  afterAll(async () => s.close());

  it('GET and HEAD are answered', async () => {
    const auth = { authorization: `Bearer ${ADMIN}` };
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await call(s.url, 'GET', path, undefined, auth)).status, `GET ${path}`).toBe(200);
      const head = await fetch(s.url + path, { method: 'HEAD', headers: auth });
      expect(head.status, `HEAD ${path}`).toBe(200);
      expect(await head.text()).toBe('');
    }
  });

  it('any other method is 405 method_not_allowed with Allow and the error envelope', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        // With or without a key: the method is refused before anything else.
        for (const headers of [{}, { authorization: `Bearer ${ADMIN}` }] as Record<string, string>[]) {
          const r = await call(s.url, method, path, method === 'OPTIONS' ? undefined : { x: 1 }, headers);
          expect(r.status, `${method} ${path}`).toBe(405);
          expect(r.headers.get('allow'), `${method} ${path}`).toBe('GET, HEAD');
          expect(r.body.error, `${method} ${path}`).toMatchObject({ code: 'method_not_allowed', details: { allowed: ['GET', 'HEAD'] } });
          expect(r.body.error.message).toContain(method);
        }
      }
    }
  });
});
