import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

const ADMIN = 'test-admin-token-0123456789';
const PASSWORD = 'operator-password';

/** A tRPC call over HTTP as the browser makes it: queries are GET with ?input=, mutations POST with the input as JSON. */
function trpc(s: TestServer, headers: Record<string, string> = {}) {
  return {
    query: (path: string, input?: unknown) =>
      call(s.url, 'GET', `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, undefined, headers),
    mutate: (path: string, input: unknown) => call(s.url, 'POST', `/trpc/${path}`, input, headers),
  };
}

async function login(s: TestServer): Promise<Record<string, string>> {
  const r = await call(s.url, 'POST', '/auth/login', { password: PASSWORD });
  expect(r.status).toBe(204);
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]! };
}

describe.each(drivers)('the console API behind auth on %s', (driver) => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown) => call(s.url, method, path, body, { authorization: `Bearer ${ADMIN}` });

  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN, HATOBA_ADMIN_PASSWORD: PASSWORD });
    await admin('PUT', '/v1/queues/orders', {});
  });
  afterAll(async () => s.close());

  it('refuses without a session (401 UNAUTHORIZED in tRPC\'s shape) and answers with one', async () => {
    const anonymous = await trpc(s).query('queues.list');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ data: { code: 'UNAUTHORIZED', httpStatus: 401 } });
    expect(anonymous.body.error.message).toMatch(/Sign in/);
    expect((await trpc(s, { cookie: 'hatoba_session=forged' }).query('queues.list')).status).toBe(401);
    expect((await trpc(s).mutate('queues.purge', { name: 'orders' })).status).toBe(401);

    const session = await login(s);
    const listed = await trpc(s, session).query('queues.list');
    expect(listed.status).toBe(200);
    expect(listed.body.result.data.map((q: { name: string }) => q.name)).toContain('orders');
    expect((await trpc(s, session).mutate('queues.purge', { name: 'orders' })).body.result.data).toEqual({ purged: 0 });
    expect((await call(s.url, 'POST', '/auth/logout', undefined, session)).status).toBe(204);
    expect((await trpc(s, session).query('queues.list')).status).toBe(401);
  });

  it('a bearer key needs admin or manage; keys and the audit log need admin', async () => {
    const make = async (name: string, scopes: string[]) => (await admin('POST', '/v1/keys', { name, scopes })).body.key as string;
    const manage = { authorization: `Bearer ${await make('ops', ['manage'])}` };
    const monitoring = { authorization: `Bearer ${await make('grafana', ['monitoring'])}` };
    expect((await trpc(s, manage).query('queues.list')).status).toBe(200);
    const forbidden = await trpc(s, manage).query('keys.list');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.data.code).toBe('FORBIDDEN');
    const tooNarrow = await trpc(s, monitoring).query('queues.list');
    expect(tooNarrow.status).toBe(403);
    expect(tooNarrow.body.error.message).toMatch(/manage/);
    expect((await trpc(s, { authorization: `Bearer ${ADMIN}` }).query('keys.list')).status).toBe(200);
  });

  it('refuses a cross-origin replay of a console mutation even with a valid session, and changes nothing', async () => {
    const session = await login(s);
    await admin('POST', '/v1/queues/orders/messages', 'keep me');
    const foreignOrigins: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'null' }];
    for (const foreign of foreignOrigins) {
      const r = await trpc(s, { ...session, ...foreign }).mutate('queues.purge', { name: 'orders' });
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ data: { code: 'FORBIDDEN' }, message: expect.stringMatching(/Cross-site/) });
    }
    expect((await admin('GET', '/v1/queues/orders')).body.ready).toBe(1);
    // The same request from the console's own origin goes through.
    const own = await trpc(s, { ...session, origin: s.url, 'sec-fetch-site': 'same-origin' }).mutate('queues.purge', { name: 'orders' });
    expect(own.body.result.data).toEqual({ purged: 1 });
  });

  it('keys made and revoked through the console: the key works over HTTP, then stops at once; both are audited', async () => {
    const session = await login(s);
    const console_ = trpc(s, session);
    const created = await console_.mutate('keys.create', { name: 'checkout', scopes: ['publish:orders*', 'monitoring'] });
    expect(created.status).toBe(200);
    const key = created.body.result.data;
    expect(key).toMatchObject({ name: 'checkout', scopes: ['publish:orders*', 'monitoring'], createdBy: 'session:operator', revokedAt: null });
    expect(key.key).toMatch(/^hk_/);
    const bearer = { authorization: `Bearer ${key.key}` };
    expect((await call(s.url, 'GET', '/v1/queues', undefined, bearer)).status).toBe(200);

    const listed = (await console_.query('keys.list')).body.result.data.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ name: 'checkout', prefix: key.key.slice(0, 10), lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(key.key);

    expect((await console_.mutate('keys.revoke', { id: key.id })).body.result.data).toEqual({ revoked: true, key: { name: 'checkout', prefix: key.key.slice(0, 10) } });
    const revoked = (await console_.query('audit.list', { action: 'key.revoke' })).body.result.data;
    expect(JSON.stringify(revoked)).toContain('"name":"checkout"');
    expect((await call(s.url, 'GET', '/v1/queues', undefined, bearer)).status).toBe(401);
    const again = await console_.mutate('keys.revoke', { id: key.id });
    expect(again.status).toBe(404);
    expect(again.body.error.data.code).toBe('NOT_FOUND');

    const bad = await console_.mutate('keys.create', { name: '', scopes: ['write:all'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/a key needs a name/);
    expect(bad.body.error.message).toMatch(/is not a scope/);

    const audit = (await console_.query('audit.list', { actor: 'session:operator', limit: 20 })).body.result.data.entries;
    expect(audit.slice(0, 2)).toMatchObject([
      { action: 'key.revoke', target: key.id, ip: expect.stringContaining('127.0.0.1') },
      { action: 'key.create', target: key.id, detail: { name: 'checkout', scopes: ['publish:orders*', 'monitoring'] } },
    ]);
    // The gateway's own log shows the console's actions under the same names.
    const viaHttp = await admin('GET', '/v1/audit?action=key.revoke');
    expect(viaHttp.body.entries[0]).toMatchObject({ actor: 'session:operator', target: key.id });
  });
});

describe.each(drivers)('the console API with auth off on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it('answers loopback clients without a session, records them as local, and still refuses cross-site requests', async () => {
    await call(s.url, 'PUT', '/v1/queues/jobs', {});
    expect((await trpc(s).mutate('queues.purge', { name: 'jobs' })).body.result.data).toEqual({ purged: 0 });
    const entries = (await trpc(s).query('audit.list', {})).body.result.data.entries;
    expect(entries[0]).toMatchObject({ actor: 'local', action: 'queue.purge', target: 'jobs' });
    expect((await trpc(s, { origin: 'https://evil.example' }).mutate('queues.purge', { name: 'jobs' })).status).toBe(403);
  });
});
