import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../../test/server';

/** Every bad input gets its documented status and stable code, and the server keeps serving. */
describe('gateway bad input (PGlite)', () => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const expectError = async (p: ReturnType<typeof api>, status: number, code: string) => {
    const r = await p;
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
    expect(typeof r.body.error.message).toBe('string');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
    return r;
  };

  beforeAll(async () => {
    s = await startTestServer('pglite', { HATOBA_MAX_BODY_BYTES: '1kb' });
    await api('PUT', '/v1/exchanges/x', { type: 'direct' });
    await api('PUT', '/v1/queues/q', {});
  });
  afterAll(async () => s.close());

  it('malformed JSON → 400 invalid_json', async () => {
    await expectError(api('PUT', '/v1/queues/q2', '{"maxDeliveries": ', { 'content-type': 'application/json' }), 400, 'invalid_json');
  });

  it('wrong types and unknown fields → 400 validation_failed with the field named', async () => {
    const r = await expectError(api('PUT', '/v1/queues/q2', { maxDeliveries: 'five' }), 400, 'validation_failed');
    expect(JSON.stringify(r.body.error.details)).toContain('maxDeliveries');
    await expectError(api('PUT', '/v1/queues/q2', { durablity: 'memory' }), 400, 'validation_failed');
    await expectError(api('PUT', '/v1/exchanges/e2', { type: 'round-robin' }), 400, 'validation_failed');
    await expectError(api('POST', '/v1/bindings', { exchange: 'x' }), 400, 'validation_failed');
  });

  it('a query parameter the route does not read → 400 validation_failed naming it and what the route takes; nothing is done', async () => {
    let r = await expectError(api('POST', '/v1/exchanges/x/messages?routingkey=q', 'typo'), 400, 'validation_failed');
    expect(r.body.error.message).toBe("Unknown query parameter 'routingkey': POST /v1/exchanges/{exchange}/messages takes key");
    expect(r.body.error.details).toMatchObject({ field: 'routingkey', accepted: ['key'] });
    r = await expectError(api('GET', '/v1/queues?name=q'), 400, 'validation_failed');
    expect(r.body.error.message).toBe("Unknown query parameter 'name': GET /v1/queues takes limit, cursor");
    r = await expectError(api('GET', '/v1/queues/q?limit=1'), 400, 'validation_failed');
    expect(r.body.error.message).toBe("Unknown query parameter 'limit': GET /v1/queues/{name} takes no query parameters");
    r = await expectError(api('GET', '/v1/messages?correlation=abc'), 400, 'validation_failed');
    expect(r.body.error.details.accepted).toEqual(expect.arrayContaining(['correlationId', 'header', 'cursor']));
    await expectError(api('POST', '/v1/queues/q/messages?key=other', 'x'), 400, 'validation_failed');
    expect((await api('GET', '/v1/queues/q')).body.ready).toBe(0); // the refused publishes stored nothing
    // what the routes read still works
    expect((await api('POST', '/v1/exchanges/x/messages?key=nowhere', 'x')).status).toBe(201);
    expect((await api('GET', '/v1/messages?limit=1')).status).toBe(200);
  });

  it('invalid and reserved names', async () => {
    await expectError(api('PUT', '/v1/queues/has%20space', {}), 400, 'invalid_name');
    await expectError(api('PUT', `/v1/queues/${'a'.repeat(201)}`, {}), 400, 'invalid_name');
    await expectError(api('PUT', '/v1/exchanges/amq.mine', { type: 'topic' }), 400, 'reserved_name');
    await expectError(api('POST', '/v1/exchanges/x/messages', 'b', { 'hatoba-routing-key': 'has space' }), 400, 'invalid_routing_key');
    await expectError(api('POST', '/v1/exchanges/x/messages', 'b', { 'hatoba-routing-key': 'k'.repeat(256) }), 400, 'invalid_routing_key');
  });

  it('unknown exchanges, queues, messages and routes → 404 naming what is missing', async () => {
    const r = await expectError(api('POST', '/v1/exchanges/nope/messages', 'b'), 404, 'exchange_not_found');
    expect(r.body.error.details).toEqual({ exchange: 'nope' });
    await expectError(api('POST', '/v1/queues/nope/receive', {}), 404, 'queue_not_found');
    await expectError(api('POST', '/v1/queues/nope/messages', 'b'), 404, 'queue_not_found');
    await expectError(api('GET', '/v1/messages/00000000-0000-0000-0000-000000000000'), 404, 'message_not_found');
    await expectError(api('GET', '/v1/messages/not-a-uuid'), 404, 'message_not_found');
    await expectError(api('GET', '/v1/nothing-here'), 404, 'route_not_found');
    const m = await expectError(api('PATCH', '/v1/queues/q'), 405, 'method_not_allowed');
    expect(m.headers.get('allow')).toContain('PUT');
    // a bad percent escape is one clear 400 whatever the method, not a 405 sending each method to the others
    for (const method of ['GET', 'PUT', 'DELETE']) await expectError(api(method, '/v1/queues/a%ZZ', method === 'PUT' ? {} : undefined), 400, 'validation_failed');
    // HEAD is served wherever GET is, with GET's status and headers and no body
    const head = await fetch(`${s.url}/v1/queues`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
    expect((await fetch(`${s.url}/v1/queues/nope`, { method: 'HEAD' })).status).toBe(404);
  });

  it('out-of-range max, waitMs and visibilityMs → 400', async () => {
    for (const body of [{ max: 0 }, { max: -1 }, { max: 1001 }, { max: 1.5 }, { waitMs: -5 }, { waitMs: 30_001 }, { visibilityMs: 1 }]) {
      await expectError(api('POST', '/v1/queues/q/receive', body), 400, 'validation_failed');
    }
  });

  it('bad receipts, headers and replay requests', async () => {
    await expectError(api('POST', '/v1/queues/q/ack', { receipts: ['forged'] }), 400, 'invalid_receipt');
    await expectError(api('POST', '/v1/queues/q/ack', { receipts: [] }), 400, 'validation_failed');
    await expectError(api('POST', '/v1/queues/q/messages', 'b', { 'hatoba-delay-ms': 'soon' }), 400, 'validation_failed');
    await expectError(api('POST', '/v1/queues/q/messages', 'b', { 'hatoba-persistent': 'maybe' }), 400, 'validation_failed');
    await expectError(api('POST', '/v1/queues/q.dlq/replay', {}), 400, 'validation_failed');
    const badName = await expectError(api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'q', body: 'b', headers: { 'Bad Name': 'v' } }] }), 400, 'validation_failed');
    expect(badName.body.error.details).toMatchObject({ header: 'bad name' }); // names are lowercased, as HTTP's
    await expectError(api('POST', '/v1/queues/q.dlq/replay', { all: true, edit: { headers: { 'x(y)': 'v' } } }), 400, 'validation_failed');
    await expectError(api('POST', '/v1/queues/q.dlq/replay', { all: true, target: { queue: 'ghost' } }), 404, 'replay_target_not_found');
    await expectError(api('PUT', '/v1/exchanges/x', { type: 'topic' }), 409, 'exchange_type_mismatch');
    await expectError(api('PUT', '/v1/queues/q', { durability: 'memory' }), 409, 'queue_settings_mismatch');
  });

  it('JSON that is not UTF-8 → 400 invalid_json, and nothing is stored', async () => {
    const notUtf8 = (json: string) => Buffer.concat([Buffer.from(json.split('@')[0]!), Buffer.from([0xff, 0xfe]), Buffer.from(json.split('@')[1]!)]);
    const json = { 'content-type': 'application/json' };
    const batch = await expectError(api('POST', '/v1/exchanges/amq.default/messages:batch', notUtf8('{"messages":[{"routingKey":"q","body":"@"}]}'), json), 400, 'invalid_json');
    expect(batch.body.error.message).toContain('UTF-8');
    await expectError(api('PUT', '/v1/queues/q3', notUtf8('{"messageTtlMs":1,"x":"@"}'), json), 400, 'invalid_json');
    await expectError(api('POST', '/v1/queues/q.dlq/replay', notUtf8('{"filter":{"error":"@"}}'), json), 400, 'invalid_json');
    const ce = { 'content-type': 'application/cloudevents+json' };
    await expectError(api('POST', '/v1/exchanges/x/messages', notUtf8('{"specversion":"1.0","id":"1","source":"/s","type":"t","data":"@"}'), ce), 400, 'invalid_json');
    expect((await api('GET', '/v1/queues/q')).body.ready).toBe(0);
  });

  it('says what is wrong: a number too large, a path that is not UTF-8, a message not in the store', async () => {
    const log = await expectError(api('GET', '/v1/exchanges/x/log?after=99999999999999999999'), 400, 'validation_failed');
    expect(log.body.error.message).toMatch(/after must be at most/);
    const notDigits = await expectError(api('GET', '/v1/exchanges/x/log?after=ten'), 400, 'validation_failed');
    expect(notDigits.body.error.message).toMatch(/after must be a whole number/);
    const delay = await expectError(api('POST', '/v1/queues/q/messages', 'b', { 'hatoba-delay-ms': '99999999999999999999' }), 400, 'validation_failed');
    expect(delay.body.error.message).toMatch(/too large/);
    const latin1 = await expectError(api('GET', '/v1/queues/caf%E9'), 400, 'validation_failed');
    expect(latin1.body.error.message).toMatch(/UTF-8/);
    const gone = await expectError(api('GET', '/v1/messages/00000000-0000-4000-8000-000000000000'), 404, 'message_not_found');
    expect(gone.body.error.message).toMatch(/memory-tier/);
  });

  it('a batch that is not JSON → 415; an empty or oversized batch → 400', async () => {
    await expectError(api('POST', '/v1/exchanges/x/messages:batch', 'messages=1', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await expectError(api('POST', '/v1/exchanges/x/messages:batch', { messages: [] }), 400, 'validation_failed');
    const many = { messages: Array.from({ length: 1001 }, () => ({ body: 1 })) };
    // 1,001 messages also exceed this server's 1 KiB body limit; either refusal loses nothing
    const r = await api('POST', '/v1/exchanges/x/messages:batch', many);
    expect([400, 413]).toContain(r.status);
    // a body that does not decode names its message
    const bad = await expectError(api('POST', '/v1/exchanges/x/messages:batch', { messages: [{ body: 'aGk=', encoding: 'base64' }, { body: '!!', encoding: 'base64' }] }), 400, 'validation_failed');
    expect(bad.body.error).toMatchObject({ message: expect.stringMatching(/^messages\[1\]\.body: .*base64/), details: { path: 'messages.1.body' } });
  });

  it('a body over the limit → 413, declared or streamed, and nothing is stored', async () => {
    await expectError(api('POST', '/v1/queues/q/messages', 'x'.repeat(2048)), 413, 'payload_too_large');
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/v1/queues/q/messages`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write('y'.repeat(512));
      req.end();
    });
    expect(streamed).toBe(413);
    expect((await api('GET', '/v1/queues/q')).body.ready).toBe(0);
  });

  it('requests the HTTP parser refuses get the error envelope: headers too large → 431, not HTTP → 400', async () => {
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(s.url).port), '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.on('data', (c) => (answer += c.toString('utf8')));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    const parse = (answer: string) => ({ status: Number(answer.split(' ')[1]), body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) });
    const big = parse(await raw(`POST /v1/queues/q/messages HTTP/1.1\r\nHost: x\r\nHatoba-Correlation-Id: ${'c'.repeat(20_000)}\r\nContent-Length: 1\r\n\r\nx`));
    expect({ status: big.status, code: big.body.error.code }).toEqual({ status: 431, code: 'headers_too_large' });
    expect(big.body.error.details.limitBytes).toBeGreaterThan(0);
    const junk = parse(await raw('HELLO THERE\r\n\r\n'));
    expect({ status: junk.status, code: junk.body.error.code }).toEqual({ status: 400, code: 'bad_request' });
    expect((await api('GET', '/v1/queues/q')).body.ready).toBe(0);
  });

  it('a request-reply timeoutMs that is empty, not a number or out of range says what it must be', async () => {
    for (const t of ['', 'abc', '1.5', '0', '300001']) {
      const r = await expectError(api('POST', `/v1/exchanges/x/request?timeoutMs=${t}`, 'q'), 400, 'validation_failed');
      expect(r.body.error.message).toMatch(/timeoutMs must be/);
    }
  });

  it('still serves after all of the above', async () => {
    expect((await api('POST', '/v1/queues/q/messages', 'fine')).status).toBe(201);
    expect((await api('POST', '/v1/queues/q/receive', {})).body.messages[0].body).toBe('fine');
  });
});
