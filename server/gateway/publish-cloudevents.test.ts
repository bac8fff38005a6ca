import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * Publish and CloudEvents: an event is identified by its source and id (binary and structured
 * mode alike), a structured event is stored as its data with the attributes as `ce-*` headers
 * (the message a binary-mode publish of the same event stores), `__proto__` is no header name,
 * and a body in a content coding the gateway does not decode is refused before anything is stored.
 */
describe.each(drivers)('publish: CloudEvents, header names, Content-Encoding (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  /** Every ready message of a queue, acked (so depth counts only what is published after). */
  const drain = async (queue: string) => {
    const messages = (await api('POST', `/v1/queues/${queue}/receive`, { max: 100, visibilityMs: 60_000 })).body.messages as any[];
    if (messages.length > 0) await api('POST', `/v1/queues/${queue}/ack`, { receipts: messages.map((m) => m.receipt) });
    return messages;
  };
  const depth = async (queue: string) => {
    const q = (await api('GET', `/v1/queues/${queue}`)).body;
    return q.ready + q.inFlight + q.delayed;
  };
  const ce = (over: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-type': 'k',
    'ce-source': '/s',
    'ce-id': 'e1',
    ...over,
  });
  const structured = (event: unknown, headers: Record<string, string> = {}) =>
    ({ body: typeof event === 'string' ? event : JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } });
  const publishStructured = (path: string, event: unknown, headers?: Record<string, string>) => {
    const { body, headers: h } = structured(event, headers);
    return api('POST', path, body, h);
  };

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/bx', { type: 'direct' });
    for (const q of ['bq', 'cq', 'sq', 'other']) await api('PUT', `/v1/queues/${q}`, {});
    await api('POST', '/v1/bindings', { exchange: 'bx', queue: 'cq', key: 'k' });
    await api('POST', '/v1/bindings', { exchange: 'bx', queue: 'other', key: 'other' });
  });
  afterAll(async () => s.close());

  describe('binary mode: the default idempotency key is source + id', () => {
    it('refuses a binary-mode event without ce-specversion 1.0, ce-id, ce-source or ce-type (400), as structured mode does', async () => {
      for (const [over, header] of [
        [{ 'ce-specversion': '0.3' }, 'ce-specversion'],
        [{ 'ce-specversion': '' }, 'ce-specversion'],
        [{ 'ce-source': '' }, 'ce-source'],
      ] as const) {
        const r = await api('POST', '/v1/exchanges/bx/messages', '{}', ce({ ...over, 'ce-id': `bad-${header}` }));
        expect(r.status).toBe(400);
        expect(r.body.error).toMatchObject({ code: 'validation_failed', details: { header } });
      }
      const { 'ce-source': _source, ...noSource } = ce({ 'ce-id': 'no-source' });
      const r = await api('POST', '/v1/exchanges/bx/messages', '{}', noSource);
      expect(r.body.error).toMatchObject({ code: 'validation_failed', details: { header: 'ce-source' } });
      expect(await depth('cq')).toBe(0);
    });

    it('the same ce-id from two sources is two events; the same source and id again is a duplicate', async () => {
      const a = await api('POST', '/v1/exchanges/bx/messages', '{"n":1}', ce({ 'ce-source': '/a', 'ce-id': 'same' }));
      const b = await api('POST', '/v1/exchanges/bx/messages', '{"n":2}', ce({ 'ce-source': '/b', 'ce-id': 'same' }));
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body).toMatchObject({ duplicate: false, queues: ['cq'] });
      expect(b.body.id).not.toBe(a.body.id);
      const again = await api('POST', '/v1/exchanges/bx/messages', '{"n":3}', ce({ 'ce-source': '/b', 'ce-id': 'same' }));
      expect(again.body).toMatchObject({ id: b.body.id, duplicate: true, queues: [] });
      const got = await drain('cq');
      expect(got.map((m) => [m.headers['ce-source'], m.body.n])).toEqual([
        ['/a', 1],
        ['/b', 2],
      ]);
    });

    it('a source and id that cannot be confused by where one ends: ("/a:b", "c") is not ("/a", "b:c")', async () => {
      const a = await api('POST', '/v1/exchanges/bx/messages', '1', ce({ 'ce-source': '/a:b', 'ce-id': 'c' }));
      const b = await api('POST', '/v1/exchanges/bx/messages', '2', ce({ 'ce-source': '/a', 'ce-id': 'b:c' }));
      expect([a.body.duplicate, b.body.duplicate]).toEqual([false, false]);
      expect(await drain('cq')).toHaveLength(2);
    });

    it('an explicit Idempotency-Key still wins over source and id', async () => {
      const a = await api('POST', '/v1/exchanges/bx/messages', '1', ce({ 'ce-source': '/x', 'ce-id': 'i1', 'idempotency-key': 'explicit-1' }));
      const b = await api('POST', '/v1/exchanges/bx/messages', '2', ce({ 'ce-source': '/y', 'ce-id': 'i2', 'idempotency-key': 'explicit-1' }));
      expect(b.body).toMatchObject({ id: a.body.id, duplicate: true });
      expect(await drain('cq')).toHaveLength(1);
    });

    it('a long source and id (past the 255-character key limit together) still publish, and still dedupe', async () => {
      const source = `/${'s'.repeat(200)}`;
      const id = 'i'.repeat(200);
      const a = await api('POST', '/v1/exchanges/bx/messages', '1', ce({ 'ce-source': source, 'ce-id': id }));
      expect(a.status).toBe(201);
      expect(a.body.duplicate).toBe(false);
      const again = await api('POST', '/v1/exchanges/bx/messages', '2', ce({ 'ce-source': source, 'ce-id': id }));
      expect(again.body).toMatchObject({ id: a.body.id, duplicate: true });
      const other = await api('POST', '/v1/exchanges/bx/messages', '3', ce({ 'ce-source': `${source}x`, 'ce-id': id }));
      expect(other.body.duplicate).toBe(false);
      expect(await drain('cq')).toHaveLength(2);
    });
  });

  describe('application header names', () => {
    it('Hatoba-Header-__proto__ is refused with 400 validation_failed, and nothing is stored', async () => {
      const r = await api('POST', '/v1/queues/bq/messages', 'x', { 'content-type': 'text/plain', 'hatoba-header-__proto__': 'polluted' });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(r.body.error.message).toMatch(/__proto__/);
      expect(r.body.error.details).toMatchObject({ header: 'Hatoba-Header-__proto__' });
      expect(await depth('bq')).toBe(0);
    });

    it('names that are Object.prototype members (constructor, toString, hasOwnProperty) are ordinary headers', async () => {
      const r = await api('POST', '/v1/queues/bq/messages', 'x', {
        'content-type': 'text/plain',
        'hatoba-header-constructor': 'c',
        'hatoba-header-tostring': 't',
        'hatoba-header-hasownproperty': 'h',
      });
      expect(r.status).toBe(201);
      const [m] = await drain('bq');
      expect(m.headers).toEqual({ constructor: 'c', tostring: 't', hasownproperty: 'h' });
    });

    // (refused for every JSON request body by parseJson, server/gateway/http.ts)
    it('a batch message with a __proto__ header is refused too, naming the message', async () => {
      const r = await api('POST', '/v1/exchanges/amq.default/messages:batch', '{"messages":[{"routingKey":"bq","body":"ok"},{"routingKey":"bq","body":"x","headers":{"__proto__":"polluted"}}]}', {
        'content-type': 'application/json',
      });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(r.body.error.message).toMatch(/messages.1.headers.*__proto__/);
      expect(await depth('bq')).toBe(0);
    });
  });

  describe('Content-Encoding', () => {
    const gz = gzipSync(Buffer.from('hello'));
    const refused415 = (r: { status: number; body: any }) => {
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
      expect(r.body.error.message).toMatch(/Content-Encoding/);
      expect(r.body.error.details).toMatchObject({ contentEncoding: 'gzip' });
    };

    it('a gzipped single publish (to a queue or an exchange) is 415, and nothing is stored', async () => {
      refused415(await api('POST', '/v1/queues/bq/messages', new Uint8Array(gz), { 'content-type': 'text/plain', 'content-encoding': 'gzip' }));
      refused415(await api('POST', '/v1/exchanges/bx/messages', new Uint8Array(gz), ce({ 'content-type': 'text/plain', 'content-encoding': 'gzip', 'ce-id': 'gz' })));
      expect(await depth('bq')).toBe(0);
      expect(await depth('cq')).toBe(0);
    });

    it('a gzipped batch is 415 (not invalid_json), and nothing is stored', async () => {
      const batch = gzipSync(Buffer.from(JSON.stringify({ messages: [{ routingKey: 'bq', body: 'x' }] })));
      refused415(await api('POST', '/v1/exchanges/amq.default/messages:batch', new Uint8Array(batch), { 'content-type': 'application/json', 'content-encoding': 'gzip' }));
      expect(await depth('bq')).toBe(0);
    });

    it('a gzipped request-reply is 415 at once, and no request goes out', async () => {
      await api('PUT', '/v1/exchanges/rpc', { type: 'direct' });
      await api('POST', '/v1/bindings', { exchange: 'rpc', queue: 'sq', key: 'ask' });
      refused415(await api('POST', '/v1/exchanges/rpc/request?key=ask&timeoutMs=5000', new Uint8Array(gz), { 'content-type': 'text/plain', 'content-encoding': 'gzip' }));
      expect(await depth('sq')).toBe(0);
    });

    it('other codings and lists are refused; identity is what no Content-Encoding means', async () => {
      for (const enc of ['br', 'deflate', 'GZIP', 'gzip, identity', 'x-unknown']) {
        const r = await api('POST', '/v1/queues/bq/messages', 'x', { 'content-type': 'text/plain', 'content-encoding': enc });
        expect({ enc, status: r.status, code: r.body?.error?.code }).toEqual({ enc, status: 415, code: 'unsupported_media_type' });
      }
      const ok = await api('POST', '/v1/queues/bq/messages', 'plain', { 'content-type': 'text/plain', 'content-encoding': 'identity' });
      expect(ok.status).toBe(201);
      const okBatch = await api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'bq', body: 'b' }] }, { 'content-encoding': 'Identity' });
      expect(okBatch.status).toBe(201);
      expect((await drain('bq')).map((m) => m.body)).toEqual(['plain', 'b']);
    });
  });

  describe('structured mode (application/cloudevents+json) on the publish endpoint', () => {
    it('routes by type, stores data with datacontenttype, keeps the attributes as ce-* headers: the same message as binary mode', async () => {
      const event = '{"specversion":"1.0","type":"k","id":"s1","source":"/s","subject":"sub","time":"2026-01-01T00:00:00Z","tenant":"acme","data":{"n":12345678901234567890}}';
      const r = await publishStructured('/v1/exchanges/bx/messages', event);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ queues: ['cq'], duplicate: false });
      const bin = await api('POST', '/v1/exchanges/bx/messages', '{"n":12345678901234567890}', {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'k',
        'ce-id': 's1-binary',
        'ce-source': '/s',
        'ce-subject': 'sub',
        'ce-time': '2026-01-01T00:00:00Z',
        'ce-tenant': 'acme',
      });
      expect(bin.status).toBe(201);
      const [fromStructured, fromBinary] = await drain('cq');
      const view = (m: any) => ({ routingKey: m.routingKey, contentType: m.contentType, body: m.body, encoding: m.encoding, headers: { ...m.headers, 'ce-id': 'x' } });
      expect(view(fromStructured)).toEqual(view(fromBinary));
      expect(fromStructured).toMatchObject({
        routingKey: 'k',
        contentType: 'application/json',
        encoding: 'json',
        headers: { 'ce-specversion': '1.0', 'ce-type': 'k', 'ce-id': 's1', 'ce-source': '/s', 'ce-subject': 'sub', 'ce-time': '2026-01-01T00:00:00Z', 'ce-tenant': 'acme' },
      });
      // the data as written (a JSON number past 2^53 is not rounded)
      const stored = await (await fetch(`${s.url}/v1/messages/${r.body.id}`)).text();
      expect(stored).toContain('"body":{"n":12345678901234567890}');
      // no time the sender did not give, no datacontenttype header (it is the content type)
      const bare = await publishStructured('/v1/exchanges/bx/messages', { specversion: '1.0', type: 'k', id: 's-bare', source: '/s', datacontenttype: 'application/json', data: {} });
      expect(bare.status).toBe(201);
      const [m] = await drain('cq');
      expect(m.headers).toEqual({ 'ce-specversion': '1.0', 'ce-type': 'k', 'ce-id': 's-bare', 'ce-source': '/s' });
      expect(m.body).toEqual({});
    });

    it('the probe: {"specversion":"1.0","type":"k","id":"s1","source":"/s","data":{}} is routed by k and deduplicated by source + id, across modes', async () => {
      const body = '{"specversion":"1.0","type":"k","id":"p1","source":"/s","data":{}}';
      const first = await api('POST', '/v1/exchanges/bx/messages', body, { 'content-type': 'application/cloudevents+json; charset=utf-8' });
      expect(first.body).toMatchObject({ queues: ['cq'], duplicate: false });
      const again = await api('POST', '/v1/exchanges/bx/messages', body, { 'content-type': 'Application/CloudEvents+JSON' });
      expect(again.body).toMatchObject({ id: first.body.id, duplicate: true, queues: [] });
      // the same event in binary mode is the same event
      const binary = await api('POST', '/v1/exchanges/bx/messages', '{}', ce({ 'ce-id': 'p1' }));
      expect(binary.body).toMatchObject({ id: first.body.id, duplicate: true });
      // another source with the same id is another event
      const otherSource = await publishStructured('/v1/exchanges/bx/messages', { specversion: '1.0', type: 'k', id: 'p1', source: '/t', data: {} });
      expect(otherSource.body.duplicate).toBe(false);
      // an explicit Idempotency-Key wins
      const keyed = await publishStructured('/v1/exchanges/bx/messages', { specversion: '1.0', type: 'k', id: 'p2', source: '/s' }, { 'idempotency-key': 'explicit-1' });
      expect(keyed.body).toMatchObject({ duplicate: true });
      expect(await drain('cq')).toHaveLength(2);
    });

    it('Hatoba-Routing-Key, ?key= and the queue endpoint take precedence over type', async () => {
      const ev = (id: string) => ({ specversion: '1.0', type: 'k', id, source: '/s', data: 'x', datacontenttype: 'text/plain' });
      expect((await publishStructured('/v1/exchanges/bx/messages', ev('r1'), { 'hatoba-routing-key': 'other' })).body.queues).toEqual(['other']);
      expect((await publishStructured('/v1/exchanges/bx/messages?key=other', ev('r2'))).body.queues).toEqual(['other']);
      expect((await publishStructured('/v1/queues/bq/messages', ev('r3'))).body.queues).toEqual(['bq']);
      const got = await drain('other');
      expect(got.map((m) => [m.routingKey, m.contentType, m.body, m.headers['ce-type']])).toEqual([
        ['other', 'text/plain', 'x', 'k'],
        ['other', 'text/plain', 'x', 'k'],
      ]);
      expect((await drain('bq')).map((m) => [m.routingKey, m.body])).toEqual([['bq', 'x']]);
    });

    it('data_base64 is stored as its bytes with datacontenttype; no data is an empty body', async () => {
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      const r = await publishStructured('/v1/exchanges/bx/messages', { specversion: '1.0', type: 'k', id: 'b64', source: '/s', datacontenttype: 'image/png', data_base64: bytes.toString('base64') });
      expect(r.status).toBe(201);
      const none = await publishStructured('/v1/exchanges/bx/messages', { specversion: '1.0', type: 'k', id: 'nodata', source: '/s' });
      expect(none.status).toBe(201);
      const [m, empty] = await drain('cq');
      expect(m).toMatchObject({ contentType: 'image/png', encoding: 'base64', body: bytes.toString('base64') });
      expect(m.headers).not.toHaveProperty('ce-data_base64');
      expect(m.headers).not.toHaveProperty('ce-datacontenttype');
      expect(empty.headers).toEqual({ 'ce-specversion': '1.0', 'ce-type': 'k', 'ce-id': 'nodata', 'ce-source': '/s' });
      expect(empty.body).toBe('');
    });

    it('an invalid event is a clear 400, and nothing is stored', async () => {
      const valid = { specversion: '1.0', type: 'k', id: 'v', source: '/s', data: {} };
      for (const missing of ['specversion', 'id', 'source', 'type'] as const) {
        const ev: Record<string, unknown> = { ...valid };
        delete ev[missing];
        const r = await publishStructured('/v1/exchanges/bx/messages', ev);
        expect({ missing, status: r.status, code: r.body?.error?.code }).toEqual({ missing, status: 400, code: 'validation_failed' });
        expect(r.body.error.message).toContain(missing);
      }
      const cases: [unknown, string][] = [
        [{ ...valid, id: '' }, 'validation_failed'],
        [{ ...valid, id: 7 }, 'validation_failed'],
        [{ ...valid, specversion: '2.0' }, 'validation_failed'],
        [{ ...valid, data_base64: 'aGk=' }, 'validation_failed'],
        [{ ...valid, data: undefined, data_base64: '***' }, 'validation_failed'],
        [{ ...valid, tenant: { nested: true } }, 'validation_failed'],
        [{ ...valid, 'Bad-Name': 'x' }, 'validation_failed'],
        [[valid], 'validation_failed'],
        ['{"specversion":"1.0",', 'invalid_json'],
      ];
      for (const [ev, code] of cases) {
        const r = await publishStructured('/v1/exchanges/bx/messages', ev);
        expect({ ev, status: r.status, code: r.body?.error?.code }).toEqual({ ev, status: 400, code });
        expect(r.body.error.message).toMatch(/CloudEvent|JSON/);
      }
      expect(await depth('cq')).toBe(0);
    });

    it('a CloudEvents batch on the single-publish endpoint is 415 pointing to messages:batch', async () => {
      const r = await api('POST', '/v1/exchanges/bx/messages', JSON.stringify([{ specversion: '1.0', type: 'k', id: 'x', source: '/s' }]), {
        'content-type': 'application/cloudevents-batch+json',
      });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
      expect(r.body.error.message).toMatch(/messages:batch/);
      expect(await depth('cq')).toBe(0);
    });

    it('messages:batch takes a CloudEvents batch: one message per event, each as structured mode stores it, all or nothing', async () => {
      const events = [
        { specversion: '1.0', type: 'k', id: 'b1', source: '/s', data: { n: 1 } },
        { specversion: '1.0', type: 'other', id: 'b2', source: '/s', datacontenttype: 'text/plain', data: 'two' },
      ];
      const h = { 'content-type': 'application/cloudevents-batch+json' };
      const r = await api('POST', '/v1/exchanges/bx/messages:batch', JSON.stringify(events), h);
      expect(r.status).toBe(201);
      expect(r.body.results.map((x: any) => [x.queues, x.duplicate])).toEqual([
        [['cq'], false],
        [['other'], false],
      ]);
      const again = await api('POST', '/v1/exchanges/bx/messages:batch', JSON.stringify(events), h);
      expect(again.body.results.map((x: any) => x.duplicate)).toEqual([true, true]);
      const [k] = await drain('cq');
      expect(k).toMatchObject({ routingKey: 'k', contentType: 'application/json', body: { n: 1 }, headers: { 'ce-id': 'b1', 'ce-source': '/s', 'ce-type': 'k', 'ce-specversion': '1.0' } });
      const [o] = await drain('other');
      expect(o).toMatchObject({ routingKey: 'other', contentType: 'text/plain', body: 'two' });
      // one invalid event: 400 naming it, none stored
      const bad = await api('POST', '/v1/exchanges/bx/messages:batch', JSON.stringify([{ ...events[0], id: 'b3' }, { specversion: '1.0', type: 'k', source: '/s' }]), h);
      expect({ status: bad.status, code: bad.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(bad.body.error.message).toMatch(/^events\[1\]: Not a valid CloudEvent: .*'id'/);
      const notArray = await api('POST', '/v1/exchanges/bx/messages:batch', JSON.stringify(events[0]), h);
      expect({ status: notArray.status, code: notArray.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(await depth('cq')).toBe(0);
    });

    it('request-reply takes a structured CloudEvent as its request, routed by type, its data as the body', async () => {
      const r = await publishStructured('/v1/exchanges/bx/request?timeoutMs=200', { specversion: '1.0', type: 'k', id: 'rq1', source: '/s', data: { ask: 1 } });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 504, code: 'reply_timeout' });
      const [request] = await drain('cq');
      expect(request).toMatchObject({ routingKey: 'k', contentType: 'application/json', body: { ask: 1 }, headers: { 'ce-id': 'rq1', 'ce-source': '/s' } });
    });
  });
});
