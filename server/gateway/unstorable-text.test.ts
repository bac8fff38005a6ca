import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * Text PostgreSQL cannot store (NUL, a lone UTF-16 surrogate) is a 400 naming the field wherever
 * it comes in (body field, query value, path parameter), on the memory and durable tiers alike,
 * and nothing changes; empty, repeated and conflicting query parameters are clear 400s too.
 */
describe.each(drivers)('unstorable text and query values (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const refused = async (p: ReturnType<typeof api>, field: RegExp, code = 'validation_failed') => {
    const r = await p;
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code });
    expect(r.body.error.message).toMatch(field);
    return r;
  };
  const receiveOne = async (queue: string) => (await api('POST', `/v1/queues/${queue}/receive`, { visibilityMs: 60_000 })).body.messages[0];

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/queues/dq', {});
    await api('PUT', '/v1/queues/mq', { durability: 'memory' });
  });
  afterAll(async () => s.close());

  it.each(['dq', 'mq'])('a nack whose error holds NUL or a lone surrogate is refused on %s, and the message stays leased', async (queue) => {
    await api('POST', `/v1/queues/${queue}/messages`, 'm');
    const d = await receiveOne(queue);
    for (const body of [
      { receipts: [d.receipt], error: 'a\u0000b' },
      { receipts: [d.receipt], error: 'a\u0000b', requeue: false },
      { receipts: [d.receipt], error: 'bad \ud800 x' },
      { receipts: [d.receipt], error: 'bad \udc00 x', requeue: false },
    ]) {
      const r = await refused(api('POST', `/v1/queues/${queue}/nack`, body), /^error must not contain (the NUL character|a lone UTF-16 surrogate)/);
      expect(r.body.error.details).toMatchObject({ field: 'error' });
    }
    // nothing applied: still one in flight, nothing dead-lettered
    const info = (await api('GET', `/v1/queues/${queue}`)).body;
    expect({ ready: info.ready, inFlight: info.inFlight, delayed: info.delayed }).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    expect((await api('GET', `/v1/queues/${queue}.dlq`)).body.ready).toBe(0);
    // a paired surrogate (an emoji) is fine, and the nack then applies
    expect((await api('POST', `/v1/queues/${queue}/nack`, { receipts: [d.receipt], error: 'ok 😀', requeue: false })).body).toEqual({ nacked: 1, stale: [] });
    expect((await api('GET', `/v1/queues/${queue}.dlq`)).body.ready).toBe(1);
  });

  it('NUL in a query value or path parameter → 400 naming it', async () => {
    await refused(api('GET', '/v1/messages?correlationId=%00'), /^Query parameter correlationId must not contain the NUL character/);
    await refused(api('GET', '/v1/messages?header=a:%00'), /^Query parameter header must not contain the NUL character/);
    await refused(api('GET', '/v1/exchanges/amq.default/log?key=%00'), /^Query parameter key must not contain the NUL character/);
    await refused(api('GET', '/v1/audit?actor=x%00'), /^Query parameter actor/);
    await refused(api('GET', '/v1/traces/%00'), /^Path parameter correlationId must not contain the NUL character/);
    await refused(api('GET', '/v1/traces/a%00b'), /^Path parameter correlationId/);
  });

  it('NUL or a lone surrogate in a replay routing key or a batch routing key → 400, nothing published', async () => {
    const range = { from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };
    await refused(api('POST', '/v1/exchanges/amq.default/replay', { ...range, routingKey: '\u0000', target: { queue: 'dq' } }), /^routingKey must not contain the NUL/);
    await refused(api('POST', '/v1/exchanges/amq.default/replay', { ...range, routingKey: 'k\ud800', target: { queue: 'dq' } }), /^routingKey must not contain a lone/);
    await refused(
      api('POST', '/v1/exchanges/amq.default/replay', { ...range, target: { exchange: 'amq.default', routingKey: 'a\u0000' } }),
      /^target\.routingKey must not contain/,
    );
    for (const key of ['nul13\ud800', 'x\udfffy']) {
      await refused(api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'dq', body: 'ok' }, { routingKey: key, body: 'b' }] }), /^messages\.1\.routingKey must not contain a lone/);
    }
    await refused(api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'dq', body: 'b', headers: { h: 'v\ud800' } }] }), /^messages\.0\.headers\.h must not contain a lone/);
    await refused(api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'dq', body: 'b', correlationId: '\udc00' }] }), /correlationId must not contain a lone/);
    const info = (await api('GET', '/v1/queues/dq')).body;
    expect(info.ready).toBe(0);
  });

  it('NUL or a lone surrogate anywhere in a JSON body (bindings, definitions, sources, keys) → 400 naming the field, nothing stored', async () => {
    await api('PUT', '/v1/exchanges/hx', { type: 'headers' });
    const bind = (values: Record<string, string>) => ({ exchange: 'hx', queue: 'dq', headers: { match: 'all', values } });
    await refused(api('POST', '/v1/bindings', bind({ a: 'x\u0000' })), /^headers\.values\.a must not contain the NUL character/);
    await refused(api('POST', '/v1/bindings', bind({ a: 'x\ud800' })), /^headers\.values\.a must not contain a lone/);
    await refused(api('POST', '/v1/bindings', bind({ 'a\u0000': 'x' })), /^the name headers\.values\."a\\u0000" must not contain the NUL/);
    await refused(api('POST', '/v1/definitions', { bindings: [bind({ a: '\u0000' })] }), /^bindings\.0\.headers\.values\.a must not contain/);
    expect((await api('GET', '/v1/exchanges')).body.exchanges.find((e: { name: string }) => e.name === 'hx').bindings).toBe(0);
    await refused(api('PUT', '/v1/sources/s1', { exchange: 'hx', verify: { scheme: 'hmac-sha256', secret: 'a\u0000' } }), /^verify\.secret must not contain/);
    await refused(api('PUT', '/v1/sources/s2', { exchange: 'hx', verify: { scheme: 'none' }, routingKey: { from: 'json', path: 'a\ud800' } }), /^routingKey\.path must not contain a lone/);
    expect((await api('PUT', '/v1/sources/s1', { exchange: 'hx', verify: { scheme: 'none' } })).status).toBe(201); // s1 was not stored
    await refused(api('POST', '/v1/keys', { name: 'k\u0000', scopes: ['admin'] }), /^name must not contain the NUL/);
    await refused(api('POST', '/v1/keys', { name: 'k', scopes: ['publish:a\ud800'] }), /^scopes\.0 must not contain a lone/);
    // a message body is bytes: NUL in it is fine
    const ok = await api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'dq', body: 'a\u0000b', encoding: 'text' }] });
    expect(ok.status).toBe(201);
    const d = await receiveOne('dq');
    expect(d.body).toBe('a\u0000b');
    await api('POST', '/v1/queues/dq/ack', { receipts: [d.receipt] });
  });

  it('empty query values say what the value must be, the same on every route', async () => {
    await refused(api('GET', '/v1/messages?limit='), /limit must be a whole number from 1 to 1000/);
    await refused(api('GET', '/v1/exchanges/amq.default/log?after='), /after must be a whole number of at least 0/);
    await refused(api('GET', '/v1/exchanges/amq.default/log?limit='), /limit must be a whole number from 1 to 1000/);
    await refused(api('GET', '/v1/exchanges/amq.default/log?after=1.5'), /after must be a whole number/);
    await refused(api('GET', '/v1/audit?limit='), /limit must be a whole number from 1 to 1000/);
    await refused(api('GET', '/v1/audit?cursor='), /cursor must be a whole number of at least 1/);
    await refused(api('GET', '/v1/messages?correlationId='), /correlationId must be 1–255 characters \(it is empty\)/);
    await refused(api('GET', '/v1/messages?exchange='), /exchange must be an exchange name/);
    await refused(api('GET', '/v1/audit?actor='), /actor must be/);
    expect((await api('GET', '/v1/exchanges/amq.default/log?after=0&limit=5')).status).toBe(200);
  });

  it('a repeated query parameter is refused; header=name:value repeats must all match (AND), so one name with two values is refused', async () => {
    await refused(api('GET', '/v1/messages?limit=5&limit=6'), /^Query parameter limit is given 2 times/);
    await refused(api('GET', '/v1/exchanges/amq.default/log?key=a&key=b'), /^Query parameter key is given 2 times/);
    const depths = async () => Promise.all(['dq', 'mq'].map(async (q) => (await api('GET', `/v1/queues/${q}`)).body.ready));
    const before = await depths();
    await refused(api('POST', '/v1/exchanges/amq.default/messages?key=dq&key=mq', 'which queue?'), /^Query parameter key is given 2 times/);
    await refused(api('POST', '/v1/exchanges/amq.default/request?key=dq&key=mq&timeoutMs=100', 'which queue?'), /^Query parameter key is given 2 times/);
    expect(await depths()).toEqual(before); // nothing was published
    await refused(api('GET', '/v1/messages?header=seq:3&header=seq:4'), /header seq is given with two values/);
    await refused(api('GET', '/v1/messages?header=seq:3&header=SEQ:4'), /header seq is given with two values/);
    await api('POST', '/v1/queues/dq/messages', 'h', { 'hatoba-header-seq': '3', 'hatoba-header-kind': 'a' });
    const same = await api('GET', '/v1/messages?header=seq:3&header=seq:3');
    expect(same.body.messages).toHaveLength(1);
    expect((await api('GET', '/v1/messages?header=seq:3&header=kind:a')).body.messages).toHaveLength(1);
    expect((await api('GET', '/v1/messages?header=seq:3&header=kind:b')).body.messages).toHaveLength(0);
  });

  it('still serves after all of the above', async () => {
    expect((await api('POST', '/v1/queues/mq/messages', 'fine')).status).toBe(201);
    expect((await api('GET', '/v1/queues/mq')).body.ready).toBe(1);
  });
});
