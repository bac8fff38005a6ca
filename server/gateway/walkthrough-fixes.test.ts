import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, postRawHeaders, startTestServer, type TestServer } from '../../test/server';

/**
 * Defects a user walkthrough found: a CloudEvents batch error that did not name its field, ce-*
 * and application headers sent twice and joined into "a, b", error messages that said
 * "Invalid input" or "expected nonoptional", a lone surrogate in a text body stored as U+FFFD,
 * and leased dead letters left unnamed by a replay of all (or by a filter).
 */
describe.each(drivers)('walkthrough fixes (%s)', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const depth = async (queue: string) => {
    const q = (await api('GET', `/v1/queues/${queue}`)).body;
    return q.ready + q.inFlight + q.delayed;
  };
  const post = (path: string, headers: Record<string, string | string[]> | string[], body: string) => postRawHeaders(s.url, path, headers, body);
  const ceBatch = { 'content-type': 'application/cloudevents-batch+json' };
  const event = { specversion: '1.0', id: 'a', source: '/s', type: 'k' };

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/wx', { type: 'direct' });
    await api('PUT', '/v1/queues/wq', {});
    await api('POST', '/v1/bindings', { exchange: 'wx', queue: 'wq', key: 'k' });
  });
  afterAll(async () => s.close());

  it('a CloudEvents batch error names the failing event and attribute in details.field (events.1.specversion)', async () => {
    const cases: [unknown[], string, string, RegExp][] = [
      [[event, { id: 'x' }], 'events.1.specversion', 'specversion', /^events\[1\]: Not a valid CloudEvent: the required attribute 'specversion' is missing/],
      [[{ ...event, 'Bad-Attr': 'x' }], 'events.0.Bad-Attr', 'Bad-Attr', /^events\[0\]: Not a valid CloudEvent: the attribute name 'Bad-Attr' is not valid: .*lowercase/],
      [[event, { ...event, id: 'b', time: 'yesterday' }], 'events.1.time', 'time', /^events\[1\]: Not a valid CloudEvent: the attribute 'time' must match format "date-time"$/],
      [[event, { ...event, id: 'c', specversion: '0.3' }], 'events.1.specversion', 'specversion', /^events\[1\]: .*use '1\.0'/],
    ];
    for (const [events, field, attribute, message] of cases) {
      const r = await api('POST', '/v1/exchanges/wx/messages:batch', JSON.stringify(events), ceBatch);
      expect({ status: r.status, code: r.body?.error?.code, details: r.body?.error?.details }, field).toEqual({
        status: 400,
        code: 'validation_failed',
        details: { field, attribute },
      });
      expect(r.body.error.message).toMatch(message);
    }
    // an event that is not an object is named as a whole
    const notObject = await api('POST', '/v1/exchanges/wx/messages:batch', JSON.stringify([event, 5]), ceBatch);
    expect(notObject.body?.error?.details).toEqual({ field: 'events.1' });
    // a structured event's error names the attribute, its path in the body
    const structured = await api('POST', '/v1/exchanges/wx/messages', JSON.stringify({ ...event, 'Bad-Attr': 'x' }), {
      'content-type': 'application/cloudevents+json',
    });
    expect({ status: structured.status, details: structured.body?.error?.details }).toEqual({ status: 400, details: { field: 'Bad-Attr', attribute: 'Bad-Attr' } });
    expect(await depth('wq')).toBe(0);
  });

  it('a ce-* header sent on two lines is 400 naming it, not joined into "z, y" (the idempotency key)', async () => {
    const base = { 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 'k', 'ce-id': 'e1' };
    for (const [name, values] of [
      ['ce-id', ['z', 'y']],
      ['ce-source', ['/a', '/b']],
      ['ce-type', ['k', 'k']],
      ['ce-specversion', ['1.0', '1.0']],
      ['ce-subject', ['s1', 's2']],
    ] as const) {
      for (const path of ['/v1/exchanges/wx/messages', '/v1/exchanges/wx/request?timeoutMs=100']) {
        const r = await post(path, { ...base, [name]: [...values] }, 'x');
        expect({ status: r.status, code: r.body?.error?.code, header: r.body?.error?.details?.header }, `${name} on ${path}`).toEqual({
          status: 400,
          code: 'validation_failed',
          header: name,
        });
        expect(r.body.error.message).toBe(`Header ${name} is given 2 times: give it once`);
      }
    }
    expect(await depth('wq')).toBe(0);
    // each once is one event
    expect((await post('/v1/exchanges/wx/messages', base, 'x')).status).toBe(201);
    await api('POST', '/v1/queues/wq/purge');
  });

  it('an application header given twice, or in two cases, is 400 rather than stored as "a, a"', async () => {
    // a raw header list keeps both spellings (an object would merge them); Node then adds no Host or Content-Length itself
    const raw = ['Host', new URL(s.url).host, 'Content-Length', '1', 'Hatoba-Header-x-type', 'a', 'Hatoba-Header-X-Type', 'a'];
    const cased = await post('/v1/exchanges/wx/messages?key=k', raw, 'x');
    expect({ status: cased.status, code: cased.body?.error?.code, details: cased.body?.error?.details }).toEqual({
      status: 400,
      code: 'validation_failed',
      details: { header: 'Hatoba-Header-x-type', count: 2, names: ['Hatoba-Header-x-type', 'Hatoba-Header-X-Type'] },
    });
    expect(cased.body.error.message).toMatch(/given 2 times \(as 'Hatoba-Header-x-type' and 'Hatoba-Header-X-Type': header names are case-insensitive, and stored lowercased as 'x-type'\): give it once$/);
    const twice = await post('/v1/queues/wq/messages', { 'Hatoba-Header-Tenant': ['a', 'b'] }, 'x');
    expect({ status: twice.status, code: twice.body?.error?.code, header: twice.body?.error?.details?.header }).toEqual({
      status: 400,
      code: 'validation_failed',
      header: 'Hatoba-Header-tenant',
    });
    expect(await depth('wq')).toBe(0);
    // one header a name is stored as before, lowercased
    const one = await post('/v1/exchanges/wx/messages?key=k', { 'Hatoba-Header-X-Type': 'a', 'Hatoba-Header-Other': 'b' }, 'x');
    expect(one.status).toBe(201);
    expect((await api('GET', `/v1/messages/${one.body.id}`)).body.headers).toEqual({ 'x-type': 'a', other: 'b' });
    await api('POST', '/v1/queues/wq/purge');
  });

  it('error messages say what is wrong and what is allowed: a replay target, a batch message without a body', async () => {
    const target = await api('POST', '/v1/queues/wq.dlq/replay', { all: true, target: 'elsewhere' });
    expect({ status: target.status, code: target.body?.error?.code, field: target.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'target',
    });
    expect(target.body.error.message).toBe(
      'target: must be "origin" (the queue each died in), {"queue": "<queue>"} or {"exchange": "<exchange>", "routingKey"?: "<key>"}; got "elsewhere"',
    );
    const object = await api('POST', '/v1/queues/wq.dlq/replay', { all: true, target: { queue: 'wq', exchange: 'wx' } });
    expect(object.body.error.message).toMatch(/^target: must be "origin" .*; got \{"queue":"wq","exchange":"wx"\}$/);
    const noBody = await api('POST', '/v1/exchanges/wx/messages:batch', { messages: [{ routingKey: 'k', body: 1 }, { routingKey: 'k' }] });
    expect({ status: noBody.status, code: noBody.body?.error?.code, field: noBody.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'messages.1.body',
    });
    expect(noBody.body.error.message).toMatch(/^messages\[1\]\.body: missing: every message needs a body, any JSON value/);
    expect(noBody.body.error.message).not.toMatch(/nonoptional/);
    // null is a body (JSON null)
    expect((await api('POST', '/v1/exchanges/wx/messages:batch', { messages: [{ routingKey: 'k', body: null }] })).status).toBe(201);
    await api('POST', '/v1/queues/wq/purge');
  });

  it('a text body with a lone surrogate is 400 naming it, not stored as U+FFFD; inside a JSON body it is kept as written', async () => {
    const lone = '"\\ud800"';
    for (const [text, field] of [
      [`{"messages":[{"routingKey":"k","body":"ok"},{"routingKey":"k","body":${lone}}]}`, 'messages.1.body'],
      [`{"messages":[{"routingKey":"k","body":"a\\udc00b","encoding":"text"}]}`, 'messages.0.body'],
    ]) {
      const r = await api('POST', '/v1/exchanges/wx/messages:batch', text, { 'content-type': 'application/json' });
      expect({ status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.field }, text).toEqual({ status: 400, code: 'validation_failed', field });
      expect(r.body.error.message).toMatch(/^messages\[\d\]\.body: must not contain a lone UTF-16 surrogate/);
    }
    const event = JSON.stringify({ specversion: '1.0', id: 'ls', source: '/s', type: 'k', datacontenttype: 'text/plain' }).slice(0, -1);
    const ce = await api('POST', '/v1/exchanges/wx/messages', `${event},"data":${lone}}`, { 'content-type': 'application/cloudevents+json' });
    expect({ status: ce.status, field: ce.body?.error?.details?.field }).toEqual({ status: 400, field: 'data' });
    expect(await depth('wq')).toBe(0);
    // a surrogate pair is text, and a JSON body keeps its escapes as written
    const pair = await api('POST', '/v1/exchanges/wx/messages:batch', '{"messages":[{"routingKey":"k","body":"\\ud83d\\ude00"},{"routingKey":"k","body":{"a":"\\ud800"}}]}', {
      'content-type': 'application/json',
    });
    expect(pair.status).toBe(201);
    const [text, json] = await Promise.all(pair.body.results.map((x: { id: string }) => api('GET', `/v1/messages/${x.id}`)));
    expect(text!.body.body).toBe('😀');
    expect(json!.body.body).toEqual({ a: '\ud800' });
    // a replay's edit.body is refused the same way, and nothing moves
    const held = (await api('POST', '/v1/queues/wq/receive', { max: 2 })).body.messages.map((m: { receipt: string }) => m.receipt);
    await api('POST', '/v1/queues/wq/nack', { receipts: held, requeue: false });
    const edit = await api('POST', '/v1/queues/wq.dlq/replay', `{"all":true,"edit":{"body":${lone}}}`, { 'content-type': 'application/json' });
    expect({ status: edit.status, code: edit.body?.error?.code, field: edit.body?.error?.details?.field }).toEqual({
      status: 400,
      code: 'validation_failed',
      field: 'edit.body',
    });
    expect(edit.body.error.message).toMatch(/^edit\.body: must not contain a lone UTF-16 surrogate/);
    expect(await depth('wq.dlq')).toBe(2);
    await api('POST', '/v1/queues/wq.dlq/purge');
  });

  for (const durability of ['durable', 'memory']) {
    it(`a replay of all, or by a filter, names in skipped.leased the ${durability} dead letters a consumer holds`, async () => {
      const q = `lq-${durability}`;
      await api('PUT', `/v1/queues/${q}`, { durability });
      for (const key of ['a', 'b', 'c']) await api('POST', `/v1/queues/${q}/messages`, { key });
      const got = (await api('POST', `/v1/queues/${q}/receive`, { max: 3 })).body.messages;
      await api('POST', `/v1/queues/${q}/nack`, { receipts: got.map((m: { receipt: string }) => m.receipt), requeue: false, error: 'boom' });
      const held = (await api('POST', `/v1/queues/${q}.dlq/receive`, { max: 1, visibilityMs: 60_000 })).body.messages[0].id as string;
      // a filter that matches the held one names it; one that does not, does not
      const other = await api('POST', `/v1/queues/${q}.dlq/replay`, { filter: { error: 'nomatch' } });
      expect(other.body).toMatchObject({ replayed: 0, skipped: { leased: [] } });
      const filtered = await api('POST', `/v1/queues/${q}.dlq/replay`, { filter: { error: 'BOOM', arrivedBy: new Date(Date.now() + 60_000).toISOString() } });
      expect({ status: filtered.status, replayed: filtered.body.replayed, leased: filtered.body.skipped?.leased }).toEqual({ status: 200, replayed: 2, leased: [held] });
      // the held one stays; replayed back and dead again, all moves it and again names the held one
      const back = (await api('POST', `/v1/queues/${q}/receive`, { max: 2 })).body.messages;
      await api('POST', `/v1/queues/${q}/nack`, { receipts: back.map((m: { receipt: string }) => m.receipt), requeue: false });
      const all = await api('POST', `/v1/queues/${q}.dlq/replay`, { all: true });
      expect({ status: all.status, body: all.body }).toEqual({
        status: 200,
        body: { replayed: 2, skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [held], busy: [] }, more: false },
      });
      expect(await depth(`${q}.dlq`)).toBe(1);
    });
  }
});
