import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, postRawHeaders, startTestServer, type TestServer } from '../../test/server';

/**
 * Inputs that were accepted and then silently dropped (third API probe): an empty
 * Idempotency-Key, an application header with no name, two batch or replay header names that
 * differ only in case, a nack's delay beside requeue: false. Each is now 400 naming what to fix.
 */
describe.each(drivers)('inputs that were silently dropped (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const ready = async (queue: string) => (await api('GET', `/v1/queues/${queue}`)).body.ready;
  const receipt = async (queue: string) => (await api('POST', `/v1/queues/${queue}/receive`, {})).body.messages[0].receipt as string;

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/sx', { type: 'direct' });
    for (const q of ['sq', 'nq']) await api('PUT', `/v1/queues/${q}`, { maxDeliveries: 5 });
    await api('POST', '/v1/bindings', { exchange: 'sx', queue: 'sq', key: 'k' });
  });
  afterAll(async () => s.close());

  it('an empty Idempotency-Key is 400 naming the header, not a publish without deduplication', async () => {
    for (const path of ['/v1/exchanges/sx/messages?key=k', '/v1/queues/sq/messages']) {
      const r = await api('POST', path, 'x', { 'idempotency-key': '', 'content-type': 'text/plain' });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(r.body.error.details).toMatchObject({ header: 'Idempotency-Key' });
      expect(r.body.error.message).toMatch(/Idempotency-Key is empty/);
    }
    expect(await ready('sq')).toBe(0);
    // a key of one character still deduplicates
    const first = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { 'idempotency-key': 'a' });
    const again = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { 'idempotency-key': 'a' });
    expect([first.status, first.body.duplicate, again.body.duplicate, again.body.id]).toEqual([201, false, true, first.body.id]);
    await api('POST', '/v1/queues/sq/purge');
  });

  it('a single-valued publish header sent on two lines is 400 naming it, not joined into "a, b"', async () => {
    // fetch would join the two into one line; node:http sends each value on its own line
    const post = (path: string, headers: Record<string, string | string[]> | string[], body: string) => postRawHeaders(s.url, path, headers, body);
    const cases: [string, Record<string, string | string[]>, string][] = [
      ['/v1/queues/sq/messages', { 'Idempotency-Key': ['k1', 'k2'] }, 'Idempotency-Key'],
      ['/v1/exchanges/sx/messages?key=k', { 'Hatoba-Correlation-Id': ['c1', 'c2'] }, 'Hatoba-Correlation-Id'],
      ['/v1/exchanges/sx/messages:batch', { 'content-type': 'application/json', 'Hatoba-Mandatory': ['true', 'true'] }, 'Hatoba-Mandatory'],
      ['/v1/exchanges/sx/request?key=k&timeoutMs=100', { 'Idempotency-Key': ['r1', 'r2'] }, 'Idempotency-Key'],
    ];
    for (const [path, headers, header] of cases) {
      const body = path.endsWith(':batch') ? JSON.stringify({ messages: [{ routingKey: 'k', body: 1 }] }) : 'x';
      const r = await post(path, headers, body);
      expect({ status: r.status, code: r.body?.error?.code, header: r.body?.error?.details?.header }, header).toEqual({
        status: 400,
        code: 'validation_failed',
        header,
      });
      expect(r.body.error.message).toBe(`Header ${header} is given 2 times: give it once`);
    }
    expect(await ready('sq')).toBe(0);
    // one line holding a comma is one value, as sent
    const one = await post('/v1/exchanges/sx/messages?key=k', { 'Hatoba-Correlation-Id': 'c1, c2' }, 'x');
    expect([one.status, one.body.correlationId]).toEqual([201, 'c1, c2']);
    await api('POST', '/v1/queues/sq/purge');
  });

  it('a publish straight to a queue whose path name no queue can have is 400 invalid_name (as receive says), not invalid_routing_key', async () => {
    for (const [name, shown] of [
      ['a%20b', 'a b'],
      ['%E6%9D%B1', '東'],
    ]) {
      const r = await api('POST', `/v1/queues/${name}/messages`, 'x');
      expect({ status: r.status, code: r.body?.error?.code, queue: r.body?.error?.details?.queue }).toEqual({ status: 400, code: 'invalid_name', queue: shown });
      const receive = await api('POST', `/v1/queues/${name}/receive`, {});
      expect(receive.body?.error?.code).toBe('invalid_name');
    }
    // a valid name that is not declared is still 404 queue_not_found
    expect((await api('POST', '/v1/queues/absent/messages', 'x')).body.error.code).toBe('queue_not_found');
  });

  it('Hatoba-Header- with no name after the prefix is 400, not dropped', async () => {
    const r = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { 'hatoba-header-': 'v' });
    expect({ status: r.status, code: r.body?.error?.code, header: r.body?.error?.details?.header }).toEqual({
      status: 400,
      code: 'validation_failed',
      header: 'Hatoba-Header-',
    });
    expect(await ready('sq')).toBe(0);
  });

  it('batch headers whose names differ only in case are 400 naming the message, not one value kept', async () => {
    const r = await api('POST', '/v1/exchanges/sx/messages:batch', {
      messages: [
        { routingKey: 'k', body: 1, headers: { Tenant: 'a' } },
        { routingKey: 'k', body: 2, headers: { Tenant: 'a', tenant: 'b' } },
      ],
    });
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(r.body.error.message).toMatch(/^messages\[1\]\.headers: header names 'Tenant' and 'tenant' differ only in case/);
    expect(r.body.error.details).toMatchObject({ field: 'messages.1.headers', header: 'tenant' });
    expect(await ready('sq')).toBe(0);
    // one spelling is stored lowercased, as before
    const ok = await api('POST', '/v1/exchanges/sx/messages:batch', { messages: [{ routingKey: 'k', body: 1, headers: { Tenant: 'a' } }] });
    expect((await api('GET', `/v1/messages/${ok.body.results[0].id}`)).body.headers).toEqual({ tenant: 'a' });
    await api('POST', '/v1/queues/sq/purge');
  });

  it('batch application headers have the limits of a single publish: 64 headers, 16 KB of names and values', async () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`h${i}`, 'v']));
    const r = await api('POST', '/v1/exchanges/sx/messages:batch', { messages: [{ routingKey: 'k', body: 1 }, { routingKey: 'k', body: 2, headers: many }] });
    expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'messages.1.headers',
    });
    expect(r.body.error.message).toMatch(/^messages\[1\]\.headers: at most 64 application headers/);
    const big = await api('POST', '/v1/exchanges/sx/messages:batch', { messages: [{ routingKey: 'k', body: 1, headers: { big: 'v'.repeat(20_000) } }] });
    expect({ status: big.status, code: big.body?.error?.code, field: big.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'messages.0.headers',
    });
    expect(await ready('sq')).toBe(0);
    // at the limits it is stored
    const ok = await api('POST', '/v1/exchanges/sx/messages:batch', {
      messages: [
        { routingKey: 'k', body: 1, headers: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`h${i}`, 'v'])) },
        { routingKey: 'k', body: 2, headers: { big: 'v'.repeat(16 * 1024 - 3) } },
      ],
    });
    expect(ok.status).toBe(201);
    await api('POST', '/v1/queues/sq/purge');
  });

  it('a replay edit with header names that differ only in case is 400 and replays nothing', async () => {
    await api('POST', '/v1/queues/sq/messages', 'x');
    await api('POST', '/v1/queues/sq/nack', { receipts: [await receipt('sq')], requeue: false });
    expect(await ready('sq.dlq')).toBe(1);
    const r = await api('POST', '/v1/queues/sq.dlq/replay', { all: true, edit: { headers: { A: '1', a: '2' } } });
    expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'edit.headers',
    });
    expect(await ready('sq.dlq')).toBe(1);
    expect(await ready('sq')).toBe(0);
  });

  it('a content type has one limit on every publish path: 1–255 characters; an empty Content-Type header is the default', async () => {
    const long = `text/plain; x=${'y'.repeat(300)}`;
    const single = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { 'content-type': long });
    expect({ status: single.status, code: single.body?.error?.code, header: single.body?.error?.details?.header }).toEqual({
      status: 400,
      code: 'validation_failed',
      header: 'Content-Type',
    });
    const batchEmpty = await api('POST', '/v1/exchanges/sx/messages:batch', { messages: [{ routingKey: 'k', body: 'x', contentType: '' }] });
    expect({ status: batchEmpty.status, code: batchEmpty.body?.error?.code, field: batchEmpty.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'messages.0.contentType',
    });
    expect(await ready('sq')).toBe(0);
    const empty = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { 'content-type': '' });
    expect(empty.status).toBe(201);
    expect((await api('GET', `/v1/messages/${empty.body.id}`)).body.contentType).toBe('application/octet-stream');
    await api('POST', '/v1/queues/sq/purge');
  });

  it("a queue declare's audit entry records the settings it set, so a replaced setting can be traced", async () => {
    await api('PUT', '/v1/queues/aq', { maxDeliveries: 3 });
    await api('PUT', '/v1/queues/aq', { maxDeliveries: 9, messageTtlMs: 60000 });
    const { entries } = (await api('GET', '/v1/audit?action=queue.declare')).body;
    const mine = entries.filter((e: { target: string }) => e.target === 'aq');
    expect(mine.map((e: { detail: Record<string, any> }) => [e.detail.created, e.detail.settings?.maxDeliveries, e.detail.settings?.messageTtlMs])).toEqual([
      [false, 9, 60000],
      [true, 3, null],
    ]);
  });

  it('a replay edit with an encoding but no body is 400 (nothing would be decoded) and replays nothing', async () => {
    expect(await ready('sq.dlq')).toBe(1);
    const r = await api('POST', '/v1/queues/sq.dlq/replay', { all: true, edit: { encoding: 'base64' } });
    expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'edit.encoding',
    });
    expect(await ready('sq.dlq')).toBe(1);
  });

  it('a traceparent that is not W3C trace context is neither stored nor passed on (with its tracestate); a valid one is', async () => {
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const bad = [
      'garbage',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      `${valid}-extra`,
    ];
    const stored = async (id: string) => {
      const m = (await api('GET', `/v1/messages/${id}`)).body;
      return [m.traceparent, m.tracestate];
    };
    for (const traceparent of bad) {
      const single = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { traceparent, tracestate: 'v=1' });
      expect(single.status).toBe(201);
      expect(await stored(single.body.id), traceparent).toEqual([null, null]);
      const batch = await api('POST', '/v1/exchanges/sx/messages:batch', { messages: [{ routingKey: 'k', body: 1 }] }, { traceparent, tracestate: 'v=1' });
      expect(await stored(batch.body.results[0].id), `batch ${traceparent}`).toEqual([null, null]);
    }
    const events = JSON.stringify([{ specversion: '1.0', type: 'k', id: 'e1', source: '/t' }]);
    const ce = await api('POST', '/v1/exchanges/sx/messages:batch', events, { 'content-type': 'application/cloudevents-batch+json', traceparent: 'garbage' });
    expect(await stored(ce.body.results[0].id)).toEqual([null, null]);
    // tracestate alone means nothing
    const alone = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { tracestate: 'v=1' });
    expect(await stored(alone.body.id)).toEqual([null, null]);
    const ok = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { traceparent: valid, tracestate: 'v=1' });
    expect(await stored(ok.body.id)).toEqual([valid, 'v=1']);
    expect(ok.body.correlationId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    // a later version may carry more fields
    const v1 = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { traceparent: `01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more` });
    expect((await stored(v1.body.id))[0]).toBe('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more');
    await api('POST', '/v1/queues/sq/purge');
  });

  it('binding audit entries say whether anything changed: created on a declare, deleted on a delete', async () => {
    const b = { exchange: 'sx', queue: 'nq', key: 'audited' };
    await api('POST', '/v1/bindings', b);
    await api('POST', '/v1/bindings', b);
    await api('DELETE', '/v1/bindings', b);
    await api('DELETE', '/v1/bindings', b);
    const { entries } = (await api('GET', '/v1/audit?limit=20')).body;
    const mine = entries.filter((e: { target: string; detail: { key?: string } }) => e.target === 'sx → nq' && e.detail.key === 'audited');
    expect(mine.map((e: { action: string; detail: unknown }) => [e.action, e.detail])).toEqual([
      ['binding.delete', { deleted: false, key: 'audited' }],
      ['binding.delete', { deleted: true, key: 'audited' }],
      ['binding.declare', { created: false, key: 'audited' }],
      ['binding.declare', { created: true, key: 'audited' }],
    ]);
  });

  it('nack with requeue: false and a delayMs is 400 (the delay would be ignored); the lease is untouched', async () => {
    await api('POST', '/v1/queues/nq/messages', 'x');
    const rc = await receipt('nq');
    const r = await api('POST', '/v1/queues/nq/nack', { receipts: [rc], requeue: false, delayMs: 5000 });
    expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'delayMs',
    });
    expect(r.body.error.message).toMatch(/^delayMs: /);
    expect((await api('GET', '/v1/queues/nq.dlq')).body.ready).toBe(0);
    // still held: it can be acked with the same receipt
    expect((await api('POST', '/v1/queues/nq/ack', { receipts: [rc] })).body).toEqual({ acked: 1, stale: [] });
  });

  it('a publisher cannot set hatoba-source (what Hatoba stamps on verified webhooks); a replay edit may keep it', async () => {
    const single = await api('POST', '/v1/exchanges/sx/messages?key=k', 'x', { 'hatoba-header-hatoba-source': 'stripe' });
    expect({ status: single.status, code: single.body?.error?.code, header: single.body?.error?.details?.header }).toEqual({
      status: 400,
      code: 'validation_failed',
      header: 'Hatoba-Header-hatoba-source',
    });
    const batch = await api('POST', '/v1/exchanges/sx/messages:batch', { messages: [{ routingKey: 'k', body: 1, headers: { 'Hatoba-Source': 'stripe' } }] });
    expect({ status: batch.status, code: batch.body?.error?.code, field: batch.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'messages.0.headers',
    });
    expect(batch.body.error.message).toMatch(/^messages\[0\]\.headers: header 'Hatoba-Source' is refused/);
    expect(await ready('sq')).toBe(0);
    // an operator replaying a webhook's dead letter gives back the headers it had, hatoba-source included
    expect(await ready('sq.dlq')).toBe(1);
    const replay = await api('POST', '/v1/queues/sq.dlq/replay', { all: true, edit: { headers: { 'hatoba-source': 'stripe' } } });
    expect([replay.status, replay.body.replayed]).toEqual([200, 1]);
    const m = (await api('POST', '/v1/queues/sq/receive', {})).body.messages[0];
    expect(m.headers).toEqual({ 'hatoba-source': 'stripe' });
  });
});

describe.each(drivers)('401 names its scheme (%s)', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_ADMIN_TOKEN: 'probe-admin-token-0123456789' });
  });
  afterAll(async () => s.close());

  it('a /v1 request without a valid key answers 401 with WWW-Authenticate: Bearer', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const r = await call(s.url, 'GET', '/v1/queues', undefined, headers);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer( |$)/);
    }
    // a 403 (key valid, scope short) is not a challenge
    const key = await call(s.url, 'POST', '/v1/keys', { name: 'mon', scopes: ['monitoring'] }, { authorization: 'Bearer probe-admin-token-0123456789' });
    const r = await call(s.url, 'GET', '/v1/keys', undefined, { authorization: `Bearer ${key.body.key}` });
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toBeNull();
  });
});

describe.each(drivers)('GET /v1/openapi.json answers like every other read (%s)', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it('HEAD is 200 with no body; POST and DELETE are 405 with Allow: GET, HEAD; an unknown query parameter is 400', async () => {
    const head = await fetch(`${s.url}/v1/openapi.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await head.text()).toBe('');
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const r = await call(s.url, method, '/v1/openapi.json');
      expect({ status: r.status, code: r.body?.error?.code, allow: r.headers.get('allow') }).toEqual({ status: 405, code: 'method_not_allowed', allow: 'GET, HEAD' });
    }
    const q = await call(s.url, 'GET', '/v1/openapi.json?format=yaml');
    expect({ status: q.status, code: q.body?.error?.code, field: q.body?.error?.details?.field }).toEqual({ status: 400, code: 'validation_failed', field: 'format' });
    const get = await call(s.url, 'GET', '/v1/openapi.json');
    expect(get.status).toBe(200);
    expect(get.body.openapi).toMatch(/^3\./);
  });
});

describe.each(drivers)('503 answers say when to retry (%s)', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_MIN_NODES: '2' });
  });
  afterAll(async () => s.close());

  it('a publish refused with 503 quorum_lost carries Retry-After', async () => {
    await call(s.url, 'PUT', '/v1/queues/wq', {});
    const r = await call(s.url, 'POST', '/v1/queues/wq/messages', 'x');
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 503, code: 'quorum_lost' });
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
