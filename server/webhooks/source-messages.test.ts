import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/** A refused source declaration's message names the rule that was broken (the range, the limit), not only the type. */
describe.each(drivers)('source declaration messages name the broken limit on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
    await call(s.url, 'PUT', '/v1/exchanges/hooks', { type: 'topic' });
  });
  afterAll(async () => s.close());

  const none = { exchange: 'hooks', verify: { scheme: 'none' } };
  const hmac = (v: Record<string, unknown>) => ({ exchange: 'hooks', verify: { scheme: 'hmac-sha256', ...v } });
  const sw = (v: Record<string, unknown>) => ({ exchange: 'hooks', verify: { scheme: 'standard-webhooks', ...v } });
  const cases: [string, unknown, string, RegExp][] = [
    ['burst 0', { ...none, rateLimit: { perSecond: 0.5, burst: 0 } }, 'rateLimit.burst', /1 to 10,000,000/],
    ['burst 1.5', { ...none, rateLimit: { perSecond: 0.5, burst: 1.5 } }, 'rateLimit.burst', /whole number.*1 to 10,000,000/],
    ['burst too big', { ...none, rateLimit: { perSecond: 0.5, burst: 10_000_001 } }, 'rateLimit.burst', /1 to 10,000,000/],
    ['perSecond too big', { ...none, rateLimit: { perSecond: 1_000_001 } }, 'rateLimit.perSecond', /0 to 1,000,000/],
    ['perSecond negative', { ...none, rateLimit: { perSecond: -1 } }, 'rateLimit.perSecond', /0 to 1,000,000/],
    ['six secrets', hmac({ secret: ['s1', 's2', 's3', 's4', 's5', 's6'] }), 'verify.secret', /at most 5/],
    ['no secrets', hmac({ secret: [] }), 'verify.secret', /1 to 5/],
    ['a secret that is a number', hmac({ secret: 5 }), 'verify.secret', /1 to 500 characters.*1 to 5/],
    ['a long secret', hmac({ secret: 'a'.repeat(501) }), 'verify.secret', /1 to 500 characters/],
    ['tolerance 1.5', sw({ timestampToleranceS: 1.5 }), 'verify.timestampToleranceS', /whole number.*1 to 86,400/],
    ['tolerance 0', sw({ timestampToleranceS: 0 }), 'verify.timestampToleranceS', /1 to 86,400/],
    ['an empty header name', hmac({ header: '' }), 'verify.header', /1 to 100 characters/],
    ['a long header name', hmac({ header: 'a'.repeat(101) }), 'verify.header', /1 to 100 characters/],
    ['an empty JSON path', { ...none, routingKey: { from: 'json', path: '' } }, 'routingKey.path', /1 to 200 characters/],
  ];

  it.each(cases)('%s', async (_name, body, field, message) => {
    const r = await call(s.url, 'PUT', '/v1/sources/probe', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    const issues = (r.body.error.details.issues as { path: string; message: string }[]).filter((i) => i.path === field);
    expect(issues, JSON.stringify(r.body.error)).toHaveLength(1);
    expect(issues[0]!.message).toMatch(message);
    expect(r.body.error.message).toMatch(message);
  });

  it.each([
    ['concurrency 1.5', { concurrency: 1.5 }, 'concurrency', /whole number.*1 to 100/],
    ['concurrency 101', { concurrency: 101 }, 'concurrency', /1 to 100/],
    ['timeoutMs 1.5', { timeoutMs: 1.5 }, 'timeoutMs', /whole number.*100 to 120,000/],
    ['a secret that is a number', { secret: 5 }, 'secret', /must be a string/],
  ] as [string, Record<string, unknown>, string, RegExp][])('a push endpoint with %s', async (_name, extra, field, message) => {
    await call(s.url, 'PUT', '/v1/queues/pushed', {});
    const r = await call(s.url, 'PUT', '/v1/queues/pushed/push', { url: 'http://127.0.0.1:9/x', ...extra });
    expect(r.status).toBe(400);
    const issues = (r.body.error.details.issues as { path: string; message: string }[]).filter((i) => i.path === field);
    expect(issues, JSON.stringify(r.body.error)).toHaveLength(1);
    expect(issues[0]!.message).toMatch(message);
  });

  it('the limits themselves are accepted', async () => {
    for (const body of [
      { ...none, rateLimit: { perSecond: 0, burst: 1 } },
      { ...none, rateLimit: { perSecond: 1_000_000, burst: 10_000_000 } },
      hmac({ secret: ['s1', 's2', 's3', 's4', 's5'] }),
      hmac({ secret: 'a'.repeat(500), header: 'a'.repeat(100) }),
      sw({ timestampToleranceS: 86_400 }),
    ]) {
      const r = await call(s.url, 'PUT', '/v1/sources/limits', body);
      expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
    }
  });
});
