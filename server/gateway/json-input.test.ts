import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

/**
 * JSON bodies a plain walk or a plain object mishandles: nesting deep enough to overflow the
 * stack, the key __proto__ (assigned into a plain object it sets the prototype and vanishes),
 * header names that are Object.prototype members, and receipts whose entry id is not plain digits.
 * Each is a clear 400 (or works), never a 500, and the server keeps serving.
 */
describe.each(drivers)('JSON input edge cases (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  // A JSON text as written: JSON.stringify({ __proto__: … }) would not write the key.
  const raw = (method: string, path: string, text: string) => api(method, path, text, { 'content-type': 'application/json' });
  const refused = async (p: ReturnType<typeof api>, message: RegExp, code = 'validation_failed') => {
    const r = await p;
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 400, code });
    expect(r.body.error.message).toMatch(message);
    return r;
  };
  const deep = (n: number, inner = '') => '['.repeat(n) + inner + ']'.repeat(n);

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/queues/bq', {});
    await api('PUT', '/v1/exchanges/hx', { type: 'headers' });
  });
  afterAll(async () => s.close());

  it('deeply nested JSON is a 400 naming where, on every kind of route, never a 500', async () => {
    const tooDeep = /is nested too deeply \(at most 64 levels of arrays and objects\)/;
    await refused(raw('POST', '/v1/queues/bq/ack', `{"receipts":${deep(5000)}}`), tooDeep);
    await refused(raw('PUT', '/v1/exchanges/x', deep(200_000)), tooDeep);
    await refused(raw('PUT', '/v1/exchanges/x', `{"type":${deep(200_000)}}`), /^type\.0\.0\.0.* is nested too deeply/);
    await refused(raw('PUT', '/v1/queues/q2', `{"a":{"b":${deep(100_000, '{}')}}}`), /^a\.b\.0\.0\.0.* is nested too deeply/);
    await refused(raw('POST', '/v1/exchanges/amq.default/messages:batch', `{"messages":[{"routingKey":"bq","body":"b","headers":${deep(100_000)}}]}`), tooDeep);
    await refused(raw('POST', '/v1/queues/bq.dlq/replay', `{"all":true,"edit":{"headers":{"a":${deep(100_000)}}}}`), tooDeep);
    await refused(raw('POST', '/v1/definitions', `{"bindings":${deep(100_000)}}`), tooDeep);
    await refused(raw('POST', '/v1/bindings', `{"exchange":"hx","queue":"bq","headers":{"match":"all","values":${deep(100_000)}}}`), tooDeep);
    await refused(raw('PUT', '/v1/sources/s1', `{"exchange":"hx","verify":${deep(100_000)}}`), tooDeep);
    await refused(raw('POST', '/v1/keys', `{"name":"k","scopes":${deep(100_000)}}`), tooDeep);
    await refused(raw('POST', '/v1/queues/bq/receive', `{"max":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`), tooDeep);
    // 64 deep is fine as far as nesting goes (the schema then says what it thinks of it)
    const ok = await raw('PUT', '/v1/queues/q3', `{"x":${deep(63)}}`);
    expect({ status: ok.status, code: ok.body.error.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(ok.body.error.message).not.toMatch(/nested/);
    expect((await api('GET', '/v1/exchanges')).body.exchanges.map((e: { name: string }) => e.name)).not.toContain('x');
  });

  it('the key __proto__ is refused as reserved wherever it would be copied into an object; inside a message body it is kept', async () => {
    const reserved = (at: string) => new RegExp(`^the name ${at.replaceAll('.', '\\.')} is reserved`);
    const bind = (values: string) => `{"exchange":"hx","queue":"bq","headers":{"match":"all","values":${values}}}`;
    const r = await refused(raw('POST', '/v1/bindings', bind('{"__proto__":"x"}')), reserved('headers.values.__proto__'));
    expect(r.body.error.details).toMatchObject({ field: 'headers.values.__proto__' });
    await refused(raw('POST', '/v1/bindings', bind('{"a":"1","__proto__":{"b":"2"}}')), reserved('headers.values.__proto__'));
    await refused(raw('POST', '/v1/definitions', `{"bindings":[${bind('{"__proto__":"x"}')}]}`), reserved('bindings.0.headers.values.__proto__'));
    expect((await api('GET', '/v1/exchanges')).body.exchanges.find((e: { name: string }) => e.name === 'hx').bindings).toBe(0);
    await refused(raw('PUT', '/v1/queues/q4', '{"__proto__":{}}'), reserved('__proto__'));
    const batch = (headers: string) => `{"messages":[{"routingKey":"bq","body":"ok"},{"routingKey":"bq","body":"b","headers":${headers}}]}`;
    await refused(raw('POST', '/v1/exchanges/amq.default/messages:batch', batch('{"__proto__":"x"}')), reserved('messages.1.headers.__proto__'));
    await refused(raw('POST', '/v1/queues/bq.dlq/replay', '{"all":true,"edit":{"headers":{"__proto__":"x"}}}'), reserved('edit.headers.__proto__'));
    expect((await api('GET', '/v1/queues/bq')).body.ready).toBe(0);
    // a message body is stored as written, __proto__ and all
    const body = '{"__proto__":{"a":1},"b":[{"__proto__":2}]}';
    expect((await raw('POST', '/v1/exchanges/amq.default/messages:batch', `{"messages":[{"routingKey":"bq","body":${body}}]}`)).status).toBe(201);
    const d = (await api('POST', '/v1/queues/bq/receive', {})).body.messages[0];
    expect(JSON.stringify(d.body)).toBe(body);
    expect((await api('POST', '/v1/queues/bq/ack', { receipts: [d.receipt] })).body.acked).toBe(1);
  });

  it('a message search by a header named like an Object.prototype member finds it', async () => {
    await api('POST', '/v1/queues/bq/messages', 'c', { 'hatoba-header-constructor': 'c', 'hatoba-header-tostring': 't' });
    const found = await api('GET', '/v1/messages?header=constructor:c');
    expect(found.status).toBe(200);
    expect(found.body.messages.map((m: { headers: Record<string, string> }) => m.headers)).toEqual([{ constructor: 'c', tostring: 't' }]);
    expect((await api('GET', '/v1/messages?header=constructor:c&header=toString:t')).body.messages).toHaveLength(1);
    expect((await api('GET', '/v1/messages?header=constructor:d')).body.messages).toHaveLength(0);
    expect((await api('GET', '/v1/messages?header=hasOwnProperty:x')).body.messages).toHaveLength(0);
    await refused(api('GET', '/v1/messages?header=constructor:c&header=constructor:d'), /header constructor is given with two values \('c' and 'd'\)/);
    // a query parameter named __proto__ is an unknown parameter like any other, not silently dropped
    await refused(api('GET', '/v1/messages?__proto__=x'), /__proto__/);
    await refused(api('GET', '/v1/exchanges/amq.default/log?__proto__=x'), /__proto__/);
  });

  it('a receipt whose entry id is not plain decimal digits in the safe range is invalid_receipt', async () => {
    await api('POST', '/v1/queues/bq/messages', 'r');
    const { receipt } = (await api('POST', '/v1/queues/bq/receive', {})).body.messages[0];
    const [id, lease] = [receipt.slice(0, receipt.indexOf('.')), receipt.slice(receipt.indexOf('.') + 1)];
    for (const entry of ['1e3', '1e0', `${id}e0`, `+${id}`, `-${id}`, ` ${id}`, `${id} `, '0x1', `0${id}`, '0', '9007199254740992', '9223372036854775807', '1_0', '']) {
      const r = await refused(api('POST', '/v1/queues/bq/ack', { receipts: [`${entry}.${lease}`] }), /is not a receipt returned by receive/, 'invalid_receipt');
      expect(r.body.error.details).toEqual({ receipt: `${entry}.${lease}` });
    }
    expect((await api('POST', '/v1/queues/bq/ack', { receipts: [receipt] })).body).toEqual({ acked: 1, stale: [] });
  });

  it('still serves after all of the above', async () => {
    const before = (await api('GET', '/v1/queues/bq')).body.ready;
    expect((await api('POST', '/v1/queues/bq/messages', 'fine')).status).toBe(201);
    expect((await api('GET', '/v1/queues/bq')).body.ready).toBe(before + 1);
  });
});
