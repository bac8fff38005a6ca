import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe.each(drivers)('a source\'s own rate limit on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);
  const hooks = async (source: string, n: number) => {
    const out: Awaited<ReturnType<typeof call>>[] = [];
    for (let i = 0; i < n; i++) out.push(await call(s.url, 'POST', `/v1/hooks/${source}`, '{}', { 'content-type': 'application/json' }));
    return out;
  };

  beforeAll(async () => {
    // A default generous enough that only an override can make these few requests 429.
    s = await startTestServer(driver, { HATOBA_SOURCE_RATE_LIMIT: '1000' });
    await api('PUT', '/v1/exchanges/events', { type: 'fanout' });
  });
  afterAll(async () => s.close());

  it('overrides the default: 429 rate_limited with Retry-After once the source\'s burst is used; other sources keep the default', async () => {
    const declared = await api('PUT', '/v1/sources/tight', { exchange: 'events', verify: { scheme: 'none' }, rateLimit: { perSecond: 0.1, burst: 2 } });
    expect(declared.status).toBe(201);
    expect(declared.body.rateLimit).toEqual({ perSecond: 0.1, burst: 2 });
    await api('PUT', '/v1/sources/roomy', { exchange: 'events', verify: { scheme: 'none' } });

    const tight = await hooks('tight', 3);
    expect(tight.map((r) => r.status)).toEqual([202, 202, 429]);
    expect(tight[2]!.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining("source 'tight'") });
    expect(Number(tight[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await hooks('roomy', 5)).map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);

    const listed = (await api('GET', '/v1/sources')).body.sources;
    expect(listed.find((x: { name: string }) => x.name === 'tight')).toMatchObject({ rateLimit: { perSecond: 0.1, burst: 2 }, counts: { accepted: 2, rate_limited: 1 } });
    expect(listed.find((x: { name: string }) => x.name === 'roomy').rateLimit).toBeNull();
  });

  it('burst defaults to twice the rate; declaring again without rateLimit returns the source to the default', async () => {
    expect((await api('PUT', '/v1/sources/slow', { exchange: 'events', verify: { scheme: 'none' }, rateLimit: { perSecond: 0.1 } })).body.rateLimit).toEqual({
      perSecond: 0.1,
      burst: 1,
    });
    expect((await hooks('slow', 2)).map((r) => r.status)).toEqual([202, 429]);
    const back = await api('PUT', '/v1/sources/slow', { exchange: 'events', verify: { scheme: 'none' } });
    expect(back.status).toBe(200);
    expect(back.body.rateLimit).toBeNull();
    expect((await hooks('slow', 3)).map((r) => r.status)).toEqual([202, 202, 202]);
  });

  it('spends a signed source\'s rate only on requests that pass its signature check', async () => {
    const secret = 'gh-secret';
    await api('PUT', '/v1/sources/signed', { exchange: 'events', verify: { scheme: 'hmac-sha256', secret }, rateLimit: { perSecond: 0.1, burst: 2 } });
    const forged = await hooks('signed', 5);
    expect(forged.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const genuine = [];
    for (let i = 0; i < 3; i++) {
      genuine.push(await call(s.url, 'POST', '/v1/hooks/signed', '{}', { 'content-type': 'application/json', 'x-hub-signature-256': sign('{}') }));
    }
    expect(genuine.map((r) => r.status)).toEqual([202, 202, 429]);
  });

  it('refuses bad limits with 400 validation_failed naming the field, and stores nothing', async () => {
    const bad: [unknown, string][] = [
      [{ perSecond: -1, burst: 2 }, 'rateLimit.perSecond'],
      [{ perSecond: 'fast' }, 'rateLimit.perSecond'],
      [{ perSecond: 1, burst: 0 }, 'rateLimit.burst'],
      [{ perSecond: 1, burst: 1.5 }, 'rateLimit.burst'],
      [{ burst: 5 }, 'rateLimit.perSecond'],
      [{ perSecond: 1, per: 'minute' }, 'rateLimit.per'], // an unknown key is named in its path
      ['100/s', 'rateLimit'],
    ];
    for (const [rateLimit, field] of bad) {
      const r = await api('PUT', '/v1/sources/invalid', { exchange: 'events', verify: { scheme: 'none' }, rateLimit });
      expect(r.status, JSON.stringify(rateLimit)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    expect((await api('GET', '/v1/sources')).body.sources.map((x: { name: string }) => x.name)).not.toContain('invalid');
  });
});
