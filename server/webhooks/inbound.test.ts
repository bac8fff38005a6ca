import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';
import { newWebhookSecret } from './verify';

describe.each(drivers)('inbound webhooks over HTTP on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const secret = newWebhookSecret();
  const older = newWebhookSecret();

  /** Everything waiting in `queue`, acked. */
  async function drain(queue = 'all') {
    const got = await api('POST', `/v1/queues/${queue}/receive`, { max: 100 });
    if (got.body.messages.length) await api('POST', `/v1/queues/${queue}/ack`, { receipts: got.body.messages.map((m: { receipt: string }) => m.receipt) });
    return got.body.messages as { routingKey: string; headers: Record<string, string>; body: unknown; contentType: string }[];
  }

  function signed(id: string, body: string, at = new Date(), key = secret) {
    return {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(key).sign(id, at, body),
    };
  }

  beforeAll(async () => {
    s = await startTestServer(driver);
    await api('PUT', '/v1/exchanges/events', { type: 'topic' });
    await api('PUT', '/v1/queues/all', {});
    await api('POST', '/v1/bindings', { exchange: 'events', queue: 'all', key: '#' });
  });
  afterAll(async () => s.close());

  it('declares a source (201, then 200) and never shows its secret again', async () => {
    const source = { exchange: 'events', verify: { scheme: 'standard-webhooks', secret }, routingKey: { from: 'json', path: 'type' } };
    expect((await api('PUT', '/v1/sources/billing', source)).status).toBe(201);
    const again = await api('PUT', '/v1/sources/billing', source);
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).not.toContain(secret.slice(6));
    const generated = await api('PUT', '/v1/sources/generated', { exchange: 'events', verify: { scheme: 'standard-webhooks' } });
    expect(generated.body.secret).toMatch(/^whsec_/);
    const list = await api('GET', '/v1/sources');
    expect(list.body.sources.map((x: { name: string }) => x.name)).toEqual(['billing', 'generated']);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect((await api('PUT', '/v1/sources/x', { exchange: 'nowhere', verify: { scheme: 'none' } })).body.error.code).toBe('exchange_not_found');
    expect((await api('PUT', '/v1/sources/x', { exchange: 'events', verify: { scheme: 'standard-webhooks', secret: 'plain' } })).body.error.code).toBe('validation_failed');
    expect((await api('PUT', '/v1/sources/x', { exchange: 'events', verify: { scheme: 'none', secret: 'x' } })).status).toBe(400);
    expect((await api('DELETE', '/v1/sources/generated')).status).toBe(204);
    expect((await api('DELETE', '/v1/sources/generated')).body.error.code).toBe('source_not_found');
  });

  it('accepts what the standardwebhooks package signs: 202, published with the source and routing key, once', async () => {
    const body = JSON.stringify({ type: 'invoice.paid', amount: 12 });
    const first = await api('POST', '/v1/hooks/billing', body, signed('msg_1', body));
    expect(first.status).toBe(202);
    expect(first.body.messages).toEqual([{ id: expect.any(String), duplicate: false }]);
    const retry = await api('POST', '/v1/hooks/billing', body, signed('msg_1', body));
    expect(retry.body.messages).toEqual([{ id: first.body.messages[0].id, duplicate: true }]);
    const got = await drain();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ routingKey: 'invoice.paid', headers: { 'hatoba-source': 'billing', 'webhook-id': 'msg_1' }, body: { type: 'invoice.paid', amount: 12 } });
  });

  it('refuses a tampered body, a stale timestamp, a missing header and a wrong secret, each with its code, and counts them', async () => {
    const body = JSON.stringify({ type: 'invoice.paid' });
    const refused = async (b: string, headers: Record<string, string>) => {
      const r = await api('POST', '/v1/hooks/billing', b, headers);
      expect(r.status).toBe(401);
      return r.body.error.code;
    };
    expect(await refused(JSON.stringify({ type: 'invoice.refunded' }), signed('t1', body))).toBe('signature_invalid');
    expect(await refused(body, signed('t2', body, new Date(Date.now() - 10 * 60_000)))).toBe('timestamp_out_of_tolerance');
    const { 'webhook-signature': _, ...unsigned } = signed('t3', body);
    expect(await refused(body, unsigned)).toBe('signature_missing');
    expect(await refused(body, signed('t4', body, new Date(), newWebhookSecret()))).toBe('signature_invalid');
    expect(await drain()).toEqual([]);
    const counts = (await api('GET', '/v1/sources')).body.sources.find((x: { name: string }) => x.name === 'billing').counts;
    expect(counts).toEqual({ accepted: 1, duplicate: 1, signature_invalid: 2, timestamp_out_of_tolerance: 1, signature_missing: 1 });
  });

  it('honours a configured tolerance', async () => {
    await api('PUT', '/v1/sources/slow', { exchange: 'events', verify: { scheme: 'standard-webhooks', secret, timestampToleranceS: 3600 } });
    const body = '{"type":"late"}';
    expect((await api('POST', '/v1/hooks/slow', body, signed('late-1', body, new Date(Date.now() - 30 * 60_000)))).status).toBe(202);
    expect((await drain())[0]!.routingKey).toBe(''); // no routing key rule and not a CloudEvent
  });

  it('rotation: a source holding the new and the old secret accepts either; a sender may sign with both', async () => {
    await api('PUT', '/v1/sources/billing', { exchange: 'events', verify: { scheme: 'standard-webhooks', secret: [secret, older] }, routingKey: { from: 'json', path: 'type' } });
    const body = '{"type":"rotated"}';
    expect((await api('POST', '/v1/hooks/billing', body, signed('rot-1', body, new Date(), older))).status).toBe(202);
    await api('PUT', '/v1/sources/billing', { exchange: 'events', verify: { scheme: 'standard-webhooks', secret }, routingKey: { from: 'json', path: 'type' } });
    expect((await api('POST', '/v1/hooks/billing', body, signed('rot-2', body, new Date(), older))).body.error.code).toBe('signature_invalid');
    const at = new Date();
    const both = { ...signed('rot-3', body, at), 'webhook-signature': `${new Webhook(older).sign('rot-3', at, body)} ${new Webhook(secret).sign('rot-3', at, body)}` };
    expect((await api('POST', '/v1/hooks/billing', body, both)).status).toBe(202);
    expect((await drain()).map((m) => m.routingKey)).toEqual(['rotated', 'rotated']);
  });

  it('hmac-sha256 in a named header, with the routing key from a header', async () => {
    await api('PUT', '/v1/sources/github', {
      exchange: 'events',
      verify: { scheme: 'hmac-sha256', secret: 'gh-secret', header: 'X-Hub-Signature-256' },
      routingKey: { from: 'header', name: 'X-GitHub-Event' },
    });
    const body = '{"action":"opened"}';
    const sig = createHmac('sha256', 'gh-secret').update(body).digest('hex');
    const ok = await api('POST', '/v1/hooks/github', body, { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}`, 'x-github-event': 'pull_request' });
    expect(ok.status).toBe(202);
    const bad = await api('POST', '/v1/hooks/github', `${body} `, { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}` });
    expect(bad.body.error.code).toBe('signature_invalid');
    expect((await api('POST', '/v1/hooks/github', body, {})).body.error.code).toBe('signature_missing');
    expect((await drain()).map((m) => [m.routingKey, m.headers['hatoba-source']])).toEqual([['pull_request', 'github']]);
  });

  it('a re-declaration without a secret keeps the secrets the source has; a new source or a changed scheme gets a generated one', async () => {
    const kept = newWebhookSecret();
    await api('PUT', '/v1/sources/keeps', { exchange: 'events', verify: { scheme: 'standard-webhooks', secret: kept } });
    const again = await api('PUT', '/v1/sources/keeps', { exchange: 'events', verify: { scheme: 'standard-webhooks' }, routingKey: { from: 'json', path: 'kind' } });
    expect(again.status).toBe(200);
    expect(again.body.secret).toBeUndefined();
    expect(again.body.routingKey).toEqual({ from: 'json', path: 'kind' });
    const body = JSON.stringify({ kind: 'kept' });
    expect((await api('POST', '/v1/hooks/keeps', body, signed('keep-1', body, new Date(), kept))).status).toBe(202);
    expect((await drain()).map((m) => m.routingKey)).toEqual(['kept']);

    const changed = await api('PUT', '/v1/sources/keeps', { exchange: 'events', verify: { scheme: 'hmac-sha256' } });
    expect(changed.body.secret).toEqual(expect.any(String));
    const hmac = createHmac('sha256', changed.body.secret).update(body).digest('hex');
    expect((await api('POST', '/v1/hooks/keeps', body, { 'content-type': 'application/json', 'x-hub-signature-256': hmac })).status).toBe(202);
    expect((await api('POST', '/v1/hooks/keeps', body, signed('keep-2', body, new Date(), kept))).body.error.code).toBe('signature_missing');
    await drain();
    expect((await api('DELETE', '/v1/sources/keeps')).status).toBe(204);
  });

  it('an empty webhook-id is 400 (it would deduplicate nothing); an invalid traceparent is dropped, a valid one kept', async () => {
    await api('PUT', '/v1/sources/open', { exchange: 'events', verify: { scheme: 'none' }, routingKey: { from: 'json', path: 'kind' } });
    const body = JSON.stringify({ kind: 'traced' });
    const empty = await api('POST', '/v1/hooks/open', body, { 'content-type': 'application/json', 'webhook-id': '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'validation_failed', details: { header: 'webhook-id' } });
    const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect((await api('POST', '/v1/hooks/open', body, { 'content-type': 'application/json', traceparent: 'garbage', tracestate: 'a=1' })).status).toBe(202);
    expect((await api('POST', '/v1/hooks/open', body, { 'content-type': 'application/json', traceparent: valid, tracestate: 'a=1' })).status).toBe(202);
    const got = (await drain()) as unknown as { traceparent?: string; tracestate?: string }[];
    expect(got.map((m) => [m.traceparent ?? null, m.tracestate ?? null])).toEqual([
      [null, null],
      [valid, 'a=1'],
    ]);
    expect((await api('DELETE', '/v1/sources/open')).status).toBe(204);
  });

  it('reads CloudEvents attributes and routing-key headers sent as UTF-8 as their text', async () => {
    const utf8Bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    await api('PUT', '/v1/sources/ce-utf8', { exchange: 'events', verify: { scheme: 'none' }, routingKey: { from: 'cloudevents' } });
    const binary = await api('POST', '/v1/hooks/ce-utf8', '{"sku":"A-1"}', {
      'content-type': 'application/json',
      'ce-id': 'evt-utf8',
      'ce-type': utf8Bytes('com.example.倉庫.changed'),
      'ce-source': '/warehouse',
      'ce-subject': utf8Bytes('José'),
      'ce-specversion': '1.0',
      'ce-time': '2026-11-29T10:00:00Z',
    });
    expect(binary.status).toBe(202);
    await api('PUT', '/v1/sources/header-utf8', { exchange: 'events', verify: { scheme: 'none' }, routingKey: { from: 'header', name: 'X-Event' } });
    expect((await api('POST', '/v1/hooks/header-utf8', '{}', { 'content-type': 'application/json', 'x-event': utf8Bytes('注文.created') })).status).toBe(202);
    const got = await drain();
    expect(got.map((m) => m.routingKey)).toEqual(['com.example.倉庫.changed', '注文.created']);
    expect(got[0]!.headers).toMatchObject({ 'ce-type': 'com.example.倉庫.changed', 'ce-subject': 'José', 'ce-time': '2026-11-29T10:00:00.000Z' });
    const notArray = await api('POST', '/v1/hooks/ce-utf8', '{}', { 'content-type': 'application/cloudevents-batch+json' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error.message).toContain('must be a JSON array');
  });

  it('CloudEvents binary, structured and batch land with the event type as routing key', async () => {
    await api('PUT', '/v1/sources/ce', { exchange: 'events', verify: { scheme: 'none' }, routingKey: { from: 'cloudevents' } });
    const binary = await api('POST', '/v1/hooks/ce', '{"sku":"A-1"}', {
      'content-type': 'application/json',
      'ce-id': 'evt-1',
      'ce-type': 'com.example.stock.changed',
      'ce-source': '/warehouse',
      'ce-specversion': '1.0',
    });
    expect(binary.status).toBe(202);
    const event = { specversion: '1.0', id: 'evt-2', source: '/shop', type: 'com.example.order.placed', datacontenttype: 'application/json', data: { orderId: 7 } };
    const structured = await api('POST', '/v1/hooks/ce', JSON.stringify(event), { 'content-type': 'application/cloudevents+json; charset=utf-8' });
    expect(structured.status).toBe(202);
    const batch = [
      { ...event, id: 'evt-3', type: 'com.example.order.paid' },
      { ...event, id: 'evt-4', type: 'com.example.order.shipped' },
    ];
    const batched = await api('POST', '/v1/hooks/ce', JSON.stringify(batch), { 'content-type': 'application/cloudevents-batch+json' });
    expect(batched.status).toBe(202);
    expect(batched.body.messages).toHaveLength(2);
    // the same event again (a sender's retry): deduplicated by source and id
    const repeat = await api('POST', '/v1/hooks/ce', JSON.stringify(event), { 'content-type': 'application/cloudevents+json' });
    expect(repeat.body.messages[0].duplicate).toBe(true);

    const got = await drain();
    expect(got.map((m) => m.routingKey)).toEqual(['com.example.stock.changed', 'com.example.order.placed', 'com.example.order.paid', 'com.example.order.shipped']);
    expect(got[0]!.headers).toMatchObject({ 'ce-id': 'evt-1', 'ce-source': '/warehouse', 'hatoba-source': 'ce' });
    expect(got[0]!.body).toEqual({ sku: 'A-1' });
    expect(got[1]).toMatchObject({ contentType: 'application/cloudevents+json; charset=utf-8', body: event });
    expect(got[3]).toMatchObject({ headers: { 'ce-id': 'evt-4' }, body: batch[1] });
    // no event here gave a time, so none is made up
    for (const m of got) expect(m.headers).not.toHaveProperty('ce-time');

    const invalid = await api('POST', '/v1/hooks/ce', '{"id":"x"}', { 'content-type': 'application/cloudevents+json' });
    expect(invalid.status).toBe(400);
  });

  it('stores each event of a CloudEvents batch as the sender wrote it', async () => {
    await api('PUT', '/v1/sources/ce-exact', { exchange: 'events', verify: { scheme: 'none' }, routingKey: { from: 'cloudevents' } });
    const events = [
      '{"specversion": "1.0", "id": "exact-1", "source": "/pay", "type": "com.example.paid", "data": {"accountId": 9007199254740993}}',
      '{"specversion":"1.0","id":"exact-2","source":"/pay","type":"com.example.paid","data":{"amount":10.50}}',
    ];
    const batched = await api('POST', '/v1/hooks/ce-exact', `[ ${events.join(' ,\n ')} ]`, { 'content-type': 'application/cloudevents-batch+json' });
    expect(batched.status).toBe(202);
    for (const [i, m] of batched.body.messages.entries()) {
      const stored = await fetch(`${s.url}/v1/messages/${m.id}`);
      expect(await stored.text()).toContain(`"body":${events[i]},`);
    }
    await drain();
  });

  it('refuses a compressed body (415), as publish does: it would be stored still compressed', async () => {
    await api('PUT', '/v1/sources/zipped', { exchange: 'events', verify: { scheme: 'none' } });
    const gz = gzipSync('{"type":"order.zipped"}');
    const r = await api('POST', '/v1/hooks/zipped', new Uint8Array(gz), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(415);
    expect(r.body.error).toMatchObject({ code: 'unsupported_media_type', details: { contentEncoding: 'gzip' } });
    expect(await drain()).toEqual([]);
    expect((await api('POST', '/v1/hooks/zipped', '{"type":"plain"}', { 'content-type': 'application/json', 'content-encoding': 'identity' })).status).toBe(202);
    expect(await drain()).toHaveLength(1);
  });

  it('404 for a source that does not exist', async () => {
    expect((await api('POST', '/v1/hooks/nobody', '{}')).body.error.code).toBe('source_not_found');
  });
});
