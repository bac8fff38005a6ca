import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveQueueSettings } from '../broker/queue-settings';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe('queue settings checked in the broker: issue paths are dotted strings', () => {
  it('for a schema failure, without zod\'s own fields', () => {
    let caught: any;
    try {
      resolveQueueSettings('q', { maxDeliveries: 0, retry: { jitter: 2 } });
    } catch (e) {
      caught = e;
    }
    expect(caught.details.issues).toEqual([
      { path: 'maxDeliveries', message: expect.any(String) },
      { path: 'retry.jitter', message: expect.any(String) },
    ]);
  });
});

describe.each(drivers)('error details say where, in one shape, on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/ev', { type: 'direct' });
    await api('PUT', '/v1/queues/evq', {});
    await api('POST', '/v1/bindings', { exchange: 'ev', queue: 'evq', key: 'ok' });
  });
  afterAll(async () => s.close());

  it('queue settings cross-checks: details.issues[].path is a dotted string (retry.maxDelayMs, deadLetter.routingKey)', async () => {
    const retry = await api('PUT', '/v1/queues/xq', { retry: { initialDelayMs: 5000, maxDelayMs: 1000 } });
    expect(retry.status).toBe(400);
    expect(retry.body.error.details.issues).toEqual([{ path: 'retry.maxDelayMs', message: expect.any(String) }]);
    const dl = await api('PUT', '/v1/queues/xq', { deadLetter: { routingKey: 'x' } });
    expect(dl.status).toBe(400);
    expect(dl.body.error.details.issues).toEqual([{ path: 'deadLetter.routingKey', message: expect.any(String) }]);
  });

  it('history with from after to: from and to in ISO 8601', async () => {
    const r = await api('GET', '/v1/exchanges/ev/history?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'validation_failed', details: { from: '2026-12-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' } });
    const depth = await api('GET', '/v1/queues/evq/depth?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z');
    expect(depth.body.error.details).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' });
  });

  it('a batch message refused by the broker is named: details.field messages.N.<field>, and nothing is published', async () => {
    const batch = (second: Record<string, unknown>) =>
      api('POST', '/v1/exchanges/ev/messages:batch', { messages: [{ routingKey: 'ok', body: 1 }, { routingKey: 'ok', body: 2, ...second }] });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ routingKey: 'nowhere', mandatory: true }, 'unroutable', 'messages.1.routingKey'],
      [{ delayMs: 8 * 86_400_000 }, 'validation_failed', 'messages.1.delayMs'],
      [{ replyTo: 'no such queue' }, 'invalid_name', 'messages.1.replyTo'],
      [{ routingKey: 'a*' }, 'invalid_routing_key', 'messages.1.routingKey'],
      [{ headers: { 'Bad Name': 'x' } }, 'validation_failed', 'messages.1.headers'],
      // Refused by the request's schema, not the broker: named the same way.
      [{ delayMs: -1 }, 'validation_failed', 'messages.1.delayMs'],
      [{ delayMs: 1.5 }, 'validation_failed', 'messages.1.delayMs'],
      [{ headers: { n: 5 } }, 'validation_failed', 'messages.1.headers.n'],
    ];
    for (const [second, code, field] of cases) {
      const r = await batch(second);
      expect(r.status, field).toBeGreaterThanOrEqual(400);
      expect(r.body.error, field).toMatchObject({ code, message: expect.stringMatching(/^messages\[1\]\./), details: { field } });
    }
    // A batch of one is a batch too: its message is named.
    const one = await api('POST', '/v1/exchanges/ev/messages:batch', { messages: [{ routingKey: 'ok', body: 1, delayMs: 8 * 86_400_000 }] });
    expect(one.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^messages\[0\]\.delayMs: /), details: { field: 'messages.0.delayMs' } });
    const left = await api('POST', '/v1/queues/evq/receive', { max: 10 });
    expect(left.body.messages).toEqual([]);
  });

  it('Hatoba-Mandatory and Hatoba-Persistent on a batch apply to each message that does not say otherwise', async () => {
    const batch = (messages: unknown[], headers: Record<string, string>) =>
      call(s.url, 'POST', '/v1/exchanges/ev/messages:batch', JSON.stringify({ messages }), { 'content-type': 'application/json', ...headers });
    const refused = await batch([{ routingKey: 'ok', body: 1 }, { routingKey: 'nowhere', body: 2 }], { 'hatoba-mandatory': 'true' });
    expect(refused.status).toBe(404);
    expect(refused.body.error).toMatchObject({ code: 'unroutable', details: { field: 'messages.1.routingKey' } });
    expect((await api('POST', '/v1/queues/evq/receive', { max: 10 })).body.messages).toEqual([]);
    const overridden = await batch([{ routingKey: 'nowhere', body: 2, mandatory: false }], { 'hatoba-mandatory': 'true' });
    expect(overridden.status).toBe(201);
    const bad = await batch([{ routingKey: 'ok', body: 1 }], { 'hatoba-persistent': 'maybe' });
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', details: { header: 'Hatoba-Persistent' } });
  });

  it('a single publish names no message', async () => {
    const r = await call(s.url, 'POST', '/v1/exchanges/ev/messages', 'x', { 'hatoba-routing-key': 'nowhere', 'hatoba-mandatory': 'true' });
    expect(r.status).toBe(404);
    expect(r.body.error.details).toEqual({ exchange: 'ev', routingKey: 'nowhere' });
  });

  it('an API key scope whose pattern no name can match is 400 validation_failed naming the scope', async () => {
    const r = await api('POST', '/v1/keys', { name: 'k', scopes: ['publish:a*', 'publish:a b'] });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details.issues).toEqual([{ path: 'scopes.1', message: expect.stringContaining("'publish:a b' contains \" \"") }]);
    expect((await api('GET', '/v1/keys')).body.keys).toEqual([]);
  });
});
