import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';
import { ConfigError, loadConfig } from '../config';
import { newWebhookSecret } from '../webhooks/verify';

const ADMIN = 'test-admin-token-0123456789';
const PASSWORD = 'operator-password';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('auth is on unless the server listens on loopback without admin credentials', () => {
  const base = { HATOBA_LOG_LEVEL: 'silent' };
  it('refuses to start on another address without HATOBA_ADMIN_TOKEN, saying how to set it', () => {
    expect(() => loadConfig({ ...base, HOST: '0.0.0.0' }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, HOST: '10.1.2.3' }, [])).toThrow(/HATOBA_ADMIN_TOKEN=\$\(openssl rand -base64 32\)/);
    expect(loadConfig({ ...base, HOST: '0.0.0.0', HATOBA_ADMIN_TOKEN: ADMIN }, []).authEnabled).toBe(true);
    expect(loadConfig({ ...base, HOST: '127.0.0.1' }, []).authEnabled).toBe(false);
    expect(loadConfig({ ...base, HOST: '::1' }, []).authEnabled).toBe(false);
    expect(loadConfig({ ...base, HOST: '127.0.0.1', HATOBA_ADMIN_PASSWORD: 'operator-password' }, []).authEnabled).toBe(true);
    expect(loadConfig({ ...base, HOST: 'localhost', HATOBA_ADMIN_TOKEN: ADMIN }, []).authEnabled).toBe(true);
    expect(() => loadConfig({ ...base, HATOBA_ADMIN_TOKEN: 'short' }, [])).toThrow(/HATOBA_ADMIN_TOKEN/);
    expect(() => loadConfig({ ...base, HATOBA_PUSH_ALLOW_HOSTS: '10.0.0.0/99' }, [])).toThrow(/HATOBA_PUSH_ALLOW_HOSTS/);
  });
});

describe.each(drivers)('API keys, scopes and the audit log on %s', (driver) => {
  let s: TestServer;
  const as = (key: string | null) => (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(s.url, method, path, body, key ? { ...bearer(key), ...headers } : headers);
  const admin = as(ADMIN);
  const keys: Record<string, { id: string; key: string }> = {};

  async function makeKey(name: string, scopes: string[]) {
    const r = await admin('POST', '/v1/keys', { name, scopes });
    expect(r.status).toBe(201);
    keys[name] = r.body;
    return r.body as { id: string; key: string };
  }

  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN, HATOBA_ADMIN_PASSWORD: PASSWORD });
    await admin('PUT', '/v1/exchanges/orders', { type: 'topic' });
    await admin('PUT', '/v1/exchanges/billing', { type: 'topic' });
    for (const q of ['inventory', 'shipping']) {
      await admin('PUT', `/v1/queues/${q}`, {});
      await admin('POST', '/v1/bindings', { exchange: 'orders', queue: q, key: '#' });
    }
    await makeKey('publisher', ['publish:ord*']);
    await makeKey('consumer', ['consume:inv*']);
    await makeKey('operator', ['manage']);
    await makeKey('grafana', ['monitoring']);
    await makeKey('root', ['admin']);
  });
  afterAll(async () => s.close());

  it('401 unauthenticated without a valid key; /healthz and the OpenAPI document stay open', async () => {
    expect((await as(null)('GET', '/v1/queues')).body.error.code).toBe('unauthenticated');
    expect((await as(null)('GET', '/v1/queues')).status).toBe(401);
    expect((await as('hk_not-a-key')('GET', '/v1/queues')).status).toBe(401);
    expect((await as(null)('GET', '/v1/queues', undefined, { authorization: 'Basic abc' })).status).toBe(401);
    const metrics = await as(null)('GET', '/metrics');
    expect(metrics.status).toBe(401);
    // as on /v1: a 401 names the scheme that would be accepted
    expect(metrics.headers.get('www-authenticate')).toBe('Bearer realm="hatoba"');
    expect((await as(null)('GET', '/healthz')).status).toBe(200);
    expect((await as(null)('GET', '/v1/openapi.json')).status).toBe(200);
    expect((await admin('GET', '/v1/queues')).status).toBe(200);
  });

  it('a key is shown once and stored hashed; scopes are validated', async () => {
    const list = await admin('GET', '/v1/keys');
    expect(list.body.keys.map((k: { name: string }) => k.name)).toEqual(['publisher', 'consumer', 'operator', 'grafana', 'root']);
    expect(JSON.stringify(list.body)).not.toContain(keys.publisher!.key);
    expect(list.body.keys[0]).toMatchObject({ scopes: ['publish:ord*'], prefix: keys.publisher!.key.slice(0, 10), createdBy: 'admin-token', revokedAt: null });
    const bad = await admin('POST', '/v1/keys', { name: 'x', scopes: ['write:everything'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('each scope allows exactly what it names', async () => {
    const probes: [string, string, unknown?][] = [
      ['POST', '/v1/exchanges/orders/messages', 'o'],
      ['POST', '/v1/exchanges/billing/messages', 'b'],
      ['POST', '/v1/queues/inventory/receive', { max: 1 }],
      ['POST', '/v1/queues/shipping/receive', { max: 1 }],
      ['PUT', '/v1/queues/scratch', {}],
      ['GET', '/v1/queues'],
      ['GET', '/metrics'],
      ['GET', '/v1/keys'],
    ];
    const allowed = async (key: string) => {
      const out: string[] = [];
      for (const [method, path, body] of probes) {
        const r = await as(key)(method, path, body);
        expect([401, 404].includes(r.status), `${method} ${path}: ${r.status}`).toBe(false);
        if (r.status === 403) expect(r.body.error.code).toBe('forbidden');
        else out.push(`${method} ${path}`);
      }
      return out;
    };
    expect(await allowed(keys.publisher!.key)).toEqual(['POST /v1/exchanges/orders/messages']);
    expect(await allowed(keys.consumer!.key)).toEqual(['POST /v1/queues/inventory/receive']);
    expect(await allowed(keys.operator!.key)).toEqual(['PUT /v1/queues/scratch']);
    expect(await allowed(keys.grafana!.key)).toEqual(['GET /v1/queues', 'GET /metrics']);
    expect(await allowed(keys.root!.key)).toEqual(probes.map(([m, p]) => `${m} ${p}`));
  });

  it('hooks: an unsigned source needs publish on its exchange; a signed one is authenticated by its signature', async () => {
    await admin('PUT', '/v1/sources/open', { exchange: 'orders', verify: { scheme: 'none' } });
    expect((await as(null)('POST', '/v1/hooks/open', '{}')).status).toBe(401);
    expect((await as(keys.grafana!.key)('POST', '/v1/hooks/open', '{}')).status).toBe(403);
    expect((await as(keys.publisher!.key)('POST', '/v1/hooks/open', '{}')).status).toBe(202);
    await admin('PUT', '/v1/sources/open-billing', { exchange: 'billing', verify: { scheme: 'none' } });
    expect((await as(keys.publisher!.key)('POST', '/v1/hooks/open-billing', '{}')).status).toBe(403);

    const secret = newWebhookSecret();
    await admin('PUT', '/v1/sources/signed', { exchange: 'billing', verify: { scheme: 'standard-webhooks', secret } });
    const at = new Date();
    const headers = { 'webhook-id': 'w1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('w1', at, '{}') };
    expect((await as(null)('POST', '/v1/hooks/signed', '{}', headers)).status).toBe(202);
    expect((await as(null)('POST', '/v1/hooks/signed', '{}')).body.error.code).toBe('signature_missing');
  });

  it('a revoked key stops working at once', async () => {
    const k = await makeKey('temporary', ['monitoring']);
    expect((await as(k.key)('GET', '/v1/queues')).status).toBe(200); // now cached
    expect((await admin('DELETE', `/v1/keys/${k.id}`)).status).toBe(204);
    expect((await as(k.key)('GET', '/v1/queues')).status).toBe(401);
    expect((await admin('DELETE', `/v1/keys/${k.id}`)).body.error.code).toBe('key_not_found');
    const listed = (await admin('GET', '/v1/keys')).body.keys.find((x: { id: string }) => x.id === k.id);
    expect(listed.revokedAt).not.toBeNull();
  });

  it('the audit log records operator actions with actor, target and address, filtered and paginated', async () => {
    await as(keys.operator!.key)('POST', '/v1/queues/scratch/purge');
    await as(keys.operator!.key)('DELETE', '/v1/queues/scratch');
    const all = await admin('GET', '/v1/audit?limit=1000');
    expect(all.status).toBe(200);
    const actions = all.body.entries.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['queue.delete', 'queue.purge', 'key.revoke', 'key.create']);
    expect(actions).toEqual(expect.arrayContaining(['exchange.declare', 'queue.declare', 'binding.declare', 'source.declare']));
    expect(all.body.entries[0]).toMatchObject({ actor: 'key:operator', action: 'queue.delete', target: 'scratch', ip: expect.stringContaining('127.0.0.1') });
    expect(all.body.entries[1]).toMatchObject({ action: 'queue.purge', detail: { purged: 0 } });
    const created = all.body.entries.find((e: { action: string; detail: { name: string } }) => e.action === 'key.create' && e.detail.name === 'root');
    expect(created).toMatchObject({ actor: 'admin-token', detail: { scopes: ['admin'] } });
    expect(JSON.stringify(all.body)).not.toContain(keys.root!.key);

    const byActor = await admin('GET', '/v1/audit?actor=key:operator');
    expect(byActor.body.entries.map((e: { action: string }) => e.action)).toEqual(['queue.delete', 'queue.purge', 'queue.declare']);
    const byAction = await admin('GET', '/v1/audit?action=queue.purge');
    expect(byAction.body.entries).toHaveLength(1);
    const page1 = await admin('GET', '/v1/audit?limit=2');
    const page2 = await admin('GET', `/v1/audit?limit=2&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.entries, ...page2.body.entries].map((e: { id: number }) => e.id)).toEqual(all.body.entries.slice(0, 4).map((e: { id: number }) => e.id));
    const future = await admin('GET', `/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body).toEqual({ entries: [], nextCursor: null });
    expect((await as(keys.grafana!.key)('GET', '/v1/audit')).status).toBe(403);
  });

  it('dashboard login: a session cookie (httpOnly, SameSite=Strict) that cross-site requests cannot use; logout ends it', async () => {
    expect((await as(null)('POST', '/auth/login', { password: 'wrong' })).status).toBe(401);
    const login = await as(null)('POST', '/auth/login', { password: PASSWORD });
    expect(login.status).toBe(204);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^hatoba_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = { cookie: setCookie.split(';')[0]! };
    expect((await as(null)('GET', '/v1/queues', undefined, cookie)).status).toBe(200);
    expect((await as(null)('GET', '/auth/session', undefined, cookie)).body).toEqual({ authRequired: true, authenticated: true, actor: 'session:operator' });
    expect((await as(null)('PUT', '/v1/queues/from-browser', {}, cookie)).status).toBe(201);
    const crossSite = await as(null)('PUT', '/v1/queues/from-elsewhere', {}, { ...cookie, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(401);
    expect((await as(null)('PUT', '/v1/queues/from-elsewhere', {}, { ...cookie, origin: 'https://evil.example' })).status).toBe(401);
    expect((await as(null)('POST', '/auth/login', { password: PASSWORD }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await as(null)('GET', '/trpc/system.info')).status).toBe(401);

    expect((await as(null)('POST', '/auth/logout', undefined, cookie)).status).toBe(204);
    expect((await as(null)('GET', '/v1/queues', undefined, cookie)).status).toBe(401);
    const audit = await admin('GET', '/v1/audit?limit=10');
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['session.login', 'session.login_failed', 'session.logout', 'queue.declare']),
    );
    expect(audit.body.entries.find((e: { target: string }) => e.target === 'from-browser').actor).toBe('session:operator');
  });
});

describe.each(drivers)('rate limits on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: ADMIN, HATOBA_KEY_RATE_LIMIT: '1', HATOBA_SOURCE_RATE_LIMIT: '1' });
  });
  afterAll(async () => s.close());

  it('429 rate_limited with Retry-After once a key or a source has used its burst', async () => {
    const admin = (method: string, path: string, body?: unknown) => call(s.url, method, path, body, bearer(ADMIN));
    const { body: key } = await admin('POST', '/v1/keys', { name: 'busy', scopes: ['monitoring'] });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 3; i++) {
      const r = await call(s.url, 'GET', '/v1/queues', undefined, bearer(key.key));
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(limited!.body.error.code).toBe('rate_limited');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await admin('GET', '/v1/queues')).status).toBe(200); // the admin token is not limited

    await admin('PUT', '/v1/exchanges/events', { type: 'fanout' });
    await admin('PUT', '/v1/sources/hook', { exchange: 'events', verify: { scheme: 'none' } });
    const hooks: number[] = [];
    for (let i = 0; i < 3; i++) hooks.push((await call(s.url, 'POST', '/v1/hooks/hook', '{}', bearer(ADMIN))).status);
    expect(hooks).toEqual([202, 202, 429]);
    const counts = (await admin('GET', '/v1/sources')).body.sources[0].counts;
    expect(counts).toEqual({ accepted: 2, rate_limited: 1 });
  });
});
