import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * Every publish-like route reads the metadata headers it is sent, or refuses them (400
 * validation_failed naming the header in details.header): none is accepted and then ignored.
 * Header errors name their header; a batch message's error names its path in details.field.
 * A time range from after to is refused on every read that takes one. A binding that could
 * never match is refused.
 */
describe.each(drivers)('publish headers read or refused, never ignored (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const ready = async (queue: string) => (await api('GET', `/v1/queues/${queue}`)).body.ready as number;
  const drain = async (queue: string) => {
    const got = await api('POST', `/v1/queues/${queue}/receive`, { max: 100 });
    if (got.body.messages.length > 0) await api('POST', `/v1/queues/${queue}/ack`, { receipts: got.body.messages.map((m: { receipt: string }) => m.receipt) });
    return got.body.messages as { correlationId: string; routingKey: string }[];
  };
  const refusedFor = (r: { status: number; body: any }, header: string) => {
    expect({ status: r.status, code: r.body?.error?.code, header: r.body?.error?.details?.header }, JSON.stringify(r.body)).toEqual({
      status: 400,
      code: 'validation_failed',
      header,
    });
  };

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/px', { type: 'direct' });
    await api('PUT', '/v1/exchanges/tx', { type: 'topic' });
    await api('PUT', '/v1/queues/pq', {});
    await api('POST', '/v1/bindings', { exchange: 'px', queue: 'pq', key: 'k' });
  });
  afterAll(async () => s.close());

  it('a queue publish validates Hatoba-Mandatory as an exchange publish does; false is refused (a queue publish is always mandatory)', async () => {
    refusedFor(await api('POST', '/v1/queues/pq/messages', 'x', { 'hatoba-mandatory': 'banana' }), 'Hatoba-Mandatory');
    const no = await api('POST', '/v1/queues/pq/messages', 'x', { 'hatoba-mandatory': 'false' });
    refusedFor(no, 'Hatoba-Mandatory');
    expect(no.body.error.message).toMatch(/always mandatory/);
    expect(await ready('pq')).toBe(0);
    expect((await api('POST', '/v1/queues/pq/messages', 'x', { 'hatoba-mandatory': 'true' })).status).toBe(201);
    expect((await api('POST', '/v1/queues/ghost/messages', 'x', { 'hatoba-mandatory': 'true' })).body.error.code).toBe('queue_not_found');
    expect(await drain('pq')).toHaveLength(1);
  });

  it('a queue publish with Hatoba-Routing-Key is refused: the queue name is its routing key', async () => {
    for (const key of ['other', 'pq']) {
      const r = await api('POST', '/v1/queues/pq/messages', 'x', { 'hatoba-routing-key': key });
      refusedFor(r, 'Hatoba-Routing-Key');
      expect(r.body.error.message).toMatch(/queue's name .*'pq'.* is its routing key/);
    }
    expect(await ready('pq')).toBe(0);
    const sent = await api('POST', '/v1/queues/pq/messages', 'x');
    expect(sent.status).toBe(201);
    expect((await drain('pq'))[0]!.routingKey).toBe('pq');
  });

  it('a JSON batch refuses the request headers it has per-message fields for (and ce-*), nothing published', async () => {
    const cases: [string, string, string][] = [
      ['hatoba-routing-key', 'k', 'Hatoba-Routing-Key'],
      ['hatoba-correlation-id', 'c-1', 'Hatoba-Correlation-Id'],
      ['hatoba-reply-to', 'pq', 'Hatoba-Reply-To'],
      ['idempotency-key', 'once', 'Idempotency-Key'],
      ['hatoba-delay-ms', '10', 'Hatoba-Delay-Ms'],
      ['hatoba-header-tenant', 'acme', 'Hatoba-Header-tenant'],
      ['ce-type', 'k', 'ce-type'],
    ];
    for (const [name, value, header] of cases) {
      const r = await api('POST', '/v1/exchanges/px/messages:batch', { messages: [{ routingKey: 'k', body: 1 }] }, { [name]: value });
      refusedFor(r, header);
      expect(r.body.error.message, header).toMatch(/JSON batch/);
    }
    expect(await ready('pq')).toBe(0);
  });

  it("a JSON batch carries the request's traceparent on every message, as a CloudEvents batch does", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const r = await api('POST', '/v1/exchanges/px/messages:batch', { messages: [{ routingKey: 'k', body: 1 }, { routingKey: 'k', body: 2, correlationId: 'own' }] }, {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(r.status).toBe(201);
    expect(r.body.results.map((x: { correlationId: string }) => x.correlationId)).toEqual([traceId, 'own']);
    await drain('pq');
  });

  it('a CloudEvents batch applies Hatoba-Mandatory and Hatoba-Persistent to every event and refuses per-message headers', async () => {
    const h = { 'content-type': 'application/cloudevents-batch+json' };
    const events = (id: string, type: string) => JSON.stringify([{ specversion: '1.0', type, id, source: '/t', data: { n: 1 } }]);
    const unroutable = await api('POST', '/v1/exchanges/px/messages:batch', events('e1', 'nowhere'), { ...h, 'hatoba-mandatory': 'true' });
    expect(unroutable.status).toBe(404);
    expect(unroutable.body.error.code).toBe('unroutable');
    refusedFor(await api('POST', '/v1/exchanges/px/messages:batch', events('e2', 'k'), { ...h, 'hatoba-persistent': 'maybe' }), 'Hatoba-Persistent');
    for (const [name, header] of [
      ['idempotency-key', 'Idempotency-Key'],
      ['hatoba-correlation-id', 'Hatoba-Correlation-Id'],
      ['hatoba-reply-to', 'Hatoba-Reply-To'],
      ['hatoba-delay-ms', 'Hatoba-Delay-Ms'],
      ['hatoba-header-tenant', 'Hatoba-Header-tenant'],
      ['ce-type', 'ce-type'],
    ] as const) {
      refusedFor(await api('POST', '/v1/exchanges/px/messages:batch', events('e3', 'k'), { ...h, [name]: name === 'hatoba-delay-ms' ? '5' : 'pq' }), header);
    }
    expect(await ready('pq')).toBe(0);
    const ok = await api('POST', '/v1/exchanges/px/messages:batch', events('e4', 'k'), { ...h, 'hatoba-mandatory': 'true', 'hatoba-persistent': 'false' });
    expect(ok.status).toBe(201);
    await drain('pq');
  });

  it('request-reply refuses Hatoba-Correlation-Id, Hatoba-Reply-To and Hatoba-Mandatory: false (its own are used)', async () => {
    refusedFor(await api('POST', '/v1/exchanges/px/request?key=k&timeoutMs=100', 'x', { 'hatoba-correlation-id': 'mine' }), 'Hatoba-Correlation-Id');
    refusedFor(await api('POST', '/v1/exchanges/px/request?key=k&timeoutMs=100', 'x', { 'hatoba-reply-to': 'pq' }), 'Hatoba-Reply-To');
    refusedFor(await api('POST', '/v1/exchanges/px/request?key=k&timeoutMs=100', 'x', { 'hatoba-mandatory': 'false' }), 'Hatoba-Mandatory');
    refusedFor(await api('POST', '/v1/exchanges/px/request?key=k&timeoutMs=100', 'x', { 'hatoba-mandatory': 'maybe' }), 'Hatoba-Mandatory');
    expect(await ready('pq')).toBe(0);
    // true is what a request is anyway
    expect((await api('POST', '/v1/exchanges/px/request?key=k&timeoutMs=100', 'x', { 'hatoba-mandatory': 'true' })).status).toBe(504);
    await drain('pq');
  });

  it('Hatoba-Routing-Key and ?key= with different values are refused rather than one ignored', async () => {
    for (const path of ['/v1/exchanges/px/messages?key=other', '/v1/exchanges/px/request?key=other&timeoutMs=100']) {
      const r = await api('POST', path, 'x', { 'hatoba-routing-key': 'k' });
      refusedFor(r, 'Hatoba-Routing-Key');
      expect(r.body.error.details).toMatchObject({ field: 'key' });
    }
    const ce = await api('POST', '/v1/exchanges/px/messages:batch?key=other', JSON.stringify([{ specversion: '1.0', type: 't', id: 'x1', source: '/t' }]), {
      'content-type': 'application/cloudevents-batch+json',
      'hatoba-routing-key': 'k',
    });
    refusedFor(ce, 'Hatoba-Routing-Key');
    expect(await ready('pq')).toBe(0);
    expect((await api('POST', '/v1/exchanges/px/messages?key=k', 'x', { 'hatoba-routing-key': 'k' })).body.queues).toEqual(['pq']);
    await drain('pq');
  });

  it('header errors name the header; a batch body error names the message in details.field', async () => {
    const long = 'x'.repeat(300);
    const idem = await api('POST', '/v1/exchanges/px/messages?key=k', 'x', { 'idempotency-key': long });
    refusedFor(idem, 'Idempotency-Key');
    expect(idem.body.error.message).toBe('Idempotency-Key must be at most 255 characters');
    const corr = await api('POST', '/v1/exchanges/px/messages?key=k', 'x', { 'hatoba-correlation-id': long });
    refusedFor(corr, 'Hatoba-Correlation-Id');
    expect(corr.body.error.message).toBe('Header Hatoba-Correlation-Id must be 1–255 characters');
    refusedFor(await api('POST', '/v1/queues/pq/messages', 'x', { 'hatoba-correlation-id': long }), 'Hatoba-Correlation-Id');
    const delay = await api('POST', '/v1/exchanges/px/messages?key=k', 'x', { 'hatoba-delay-ms': 'soon' });
    refusedFor(delay, 'Hatoba-Delay-Ms');
    expect(delay.body.error.details.value).toBe('soon');

    const b64 = await api('POST', '/v1/exchanges/px/messages:batch', { messages: [{ routingKey: 'k1', body: '%%%', encoding: 'base64' }] });
    expect(b64.status).toBe(400);
    expect(b64.body.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/^messages\[0\]\.body: /),
      details: { field: 'messages.0.body', path: 'messages.0.body', encoding: 'base64' },
    });
    expect(await ready('pq')).toBe(0);
  });

  it('message search and the audit log refuse from after to, as replay and history do', async () => {
    const range = 'from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z';
    const details = { from: '2030-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z' };
    for (const path of [`/v1/messages?${range}`, `/v1/messages?exchange=px&${range}`, `/v1/audit?${range}`, `/v1/exchanges/px/history?${range}`]) {
      const r = await api('GET', path);
      expect({ status: r.status, error: r.body?.error }, path).toMatchObject({
        status: 400,
        error: { code: 'validation_failed', message: 'from must be a time before to', details },
      });
    }
    // equal bounds, and either alone, are ranges
    for (const path of ['/v1/messages?from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:00Z', '/v1/audit?from=2030-01-01T00:00:00Z', '/v1/messages?to=2020-01-01T00:00:00Z']) {
      expect((await api('GET', path)).status, path).toBe(200);
    }
  });

  it('a binding that could never match is 400 validation_failed, over HTTP and in a definitions import', async () => {
    const headers = { match: 'all', values: { n: '5' } };
    const onTopic = await api('POST', '/v1/bindings', { exchange: 'tx', queue: 'pq', headers });
    expect(onTopic.status).toBe(400);
    expect(onTopic.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'headers', exchange: 'tx', exchangeType: 'topic' } });
    const star = await api('POST', '/v1/bindings', { exchange: 'px', queue: 'pq', key: 'k*' });
    expect(star.status).toBe(400);
    expect(star.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'key', key: 'k*', exchange: 'px' } });
    const imported = await api('POST', '/v1/definitions', { exchanges: [{ name: 'dx2', type: 'direct' }], bindings: [{ exchange: 'dx2', queue: 'pq', key: 'a.#' }] });
    expect(imported.status).toBe(400);
    expect(imported.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'key' } });
    expect((await api('GET', '/v1/definitions')).body.exchanges.map((e: { name: string }) => e.name)).not.toContain('dx2');
    expect((await api('POST', '/v1/bindings', { exchange: 'tx', queue: 'pq', key: 'k.*' })).status).toBe(201);
  });
});
