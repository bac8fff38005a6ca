import { describe, expect, it } from 'vitest';
import { settle } from './push-request';
import { retryAfterMs } from './push-send';
import { jsonPath } from './inbound';
import { displayUrl, pushView } from './push-view';

const response = (status: number, headers: Record<string, string> = {}, body = '') => ({ kind: 'response' as const, status, headers, body });

describe('what a push answer means for the lease', () => {
  it('2xx acks; everything else nacks with the reason', () => {
    expect(settle(response(200))).toEqual({ ack: true });
    expect(settle(response(204))).toEqual({ ack: true });
    expect(settle(response(500, {}, 'x'.repeat(1000)))).toEqual({ ack: false, error: `HTTP 500: ${'x'.repeat(200)}` });
    expect(settle(response(404))).toEqual({ ack: false, error: 'HTTP 404' });
    expect(settle(response(301, { location: 'https://elsewhere/' }))).toEqual({ ack: false, error: 'HTTP 301: redirect to https://elsewhere/ not followed' });
    // 410: stop pushing; the message itself did not fail (its lease goes back, attempt unspent)
    expect(settle(response(410))).toEqual({ gone: true });
    expect(settle({ kind: 'timeout', message: 'no answer within 5 ms' })).toEqual({ ack: false, error: 'no answer within 5 ms' });
    expect(settle({ kind: 'forbidden', message: 'x resolves to 10.0.0.1' })).toEqual({ ack: false, error: 'push_target_forbidden: x resolves to 10.0.0.1' });
  });

  it('Retry-After on 429 and 503 only, capped at an hour', () => {
    expect(settle(response(429, { 'retry-after': '7' }))).toMatchObject({ delayMs: 7000 });
    expect(settle(response(503, { 'retry-after': '999999' }))).toMatchObject({ delayMs: 3600_000 });
    expect(settle(response(500, { 'retry-after': '7' }))).not.toHaveProperty('delayMs');
    expect(settle(response(429))).not.toHaveProperty('delayMs');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(' 3 ', now)).toBe(3000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('ignores a Retry-After that gives no delay, so the queue backoff applies: not a delay-seconds or date, 0, a past date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    for (const v of ['-5', '0x10', '+2', '1.5', '0', 'Wed, 31 Dec 2025 00:00:00 GMT']) expect(retryAfterMs(v, now), v).toBeUndefined();
    expect(settle(response(429, { 'retry-after': '-5' }))).not.toHaveProperty('delayMs');
    expect(settle(response(503, { 'retry-after': '0' }))).not.toHaveProperty('delayMs');
  });
});

describe('push URLs as shown (HTTP API and dashboard)', () => {
  it('hide a password, keep the user name, and leave other URLs as stored', () => {
    expect(displayUrl('http://user:pa55@127.0.0.1:3105/x')).toBe('http://user:***@127.0.0.1:3105/x');
    expect(displayUrl('https://u%40corp:p%3Ass@hooks.example.com/a?b=1')).toBe('https://u%40corp:***@hooks.example.com/a?b=1');
    expect(displayUrl('https://:only-password@hooks.example.com/')).toBe('https://:***@hooks.example.com/');
    expect(displayUrl('https://user@hooks.example.com')).toBe('https://user@hooks.example.com');
    expect(displayUrl('https://hooks.example.com')).toBe('https://hooks.example.com');
    expect(displayUrl('http://user:pa55@')).toBe('http://user:***@'); // not a URL (never stored): hidden all the same
    const at = new Date('2026-01-01T00:00:00Z');
    const view = pushView({
      queue: 'q',
      url: 'http://user:pa55@127.0.0.1:3105/x',
      secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0',
      concurrency: 4,
      timeoutMs: 1000,
      status: 'active',
      disabledReason: null,
      createdAt: at,
      updatedAt: at,
      version: '1',
    });
    expect(view.url).toBe('http://user:***@127.0.0.1:3105/x');
    expect(JSON.stringify(view)).not.toMatch(/pa55|whsec_/);
  });
});

describe('jsonPath (routing keys of inbound webhooks)', () => {
  const body = { type: 'invoice.paid', data: { object: { kind: 'card', n: 3, items: ['a', 'b'] } } };
  it('follows dot paths, with or without $.', () => {
    expect(jsonPath(body, 'type')).toBe('invoice.paid');
    expect(jsonPath(body, '$.data.object.kind')).toBe('card');
    expect(jsonPath(body, 'data.object.n')).toBe('3');
    expect(jsonPath(body, 'data.object.items.1')).toBe('b');
    expect(jsonPath(body, 'data.object')).toBeUndefined();
    expect(jsonPath(body, 'data.missing.kind')).toBeUndefined();
    expect(jsonPath('text', 'type')).toBeUndefined();
  });
});
