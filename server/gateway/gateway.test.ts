import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe.each(drivers)('gateway v1 over HTTP on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);

  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it('declares the order topology: 201 when created, 200 when it already existed', async () => {
    expect((await api('PUT', '/v1/exchanges/orders', { type: 'topic' })).status).toBe(201);
    expect((await api('PUT', '/v1/exchanges/orders', { type: 'topic' })).status).toBe(200);
    for (const q of ['inventory', 'shipping', 'notification']) {
      const declared = await api('PUT', `/v1/queues/${q}`, { maxDeliveries: 2, retry: { initialDelayMs: 0, jitter: 0 } });
      expect(declared.status).toBe(201);
      expect(declared.body).toMatchObject({ name: q, ready: 0, settings: { maxDeliveries: 2 } });
      expect((await api('POST', '/v1/bindings', { exchange: 'orders', queue: q, key: 'order.completed' })).status).toBe(201);
    }
    expect((await api('POST', '/v1/bindings', { exchange: 'orders', queue: 'inventory', key: 'order.completed' })).status).toBe(200);
    const queues = await api('GET', '/v1/queues');
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toEqual([
      'inventory',
      'inventory.dlq',
      'notification',
      'notification.dlq',
      'shipping',
      'shipping.dlq',
    ]);
    const exchanges = await api('GET', '/v1/exchanges');
    expect(exchanges.body.exchanges).toContainEqual(expect.objectContaining({ name: 'orders', type: 'topic', bindings: 3 }));
  });

  it('publishes with headers, fans out, and hands each consumer the message and its metadata', async () => {
    const published = await api('POST', '/v1/exchanges/orders/messages', JSON.stringify({ orderId: 42 }), {
      'content-type': 'application/json',
      'hatoba-routing-key': 'order.completed',
      'hatoba-correlation-id': 'corr-42',
      'hatoba-reply-to': 'shipping',
      'hatoba-header-Tenant': 'acme',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ correlationId: 'corr-42', queues: ['inventory', 'notification', 'shipping'], duplicate: false });
    const got = await api('POST', '/v1/queues/inventory/receive', { max: 10 });
    expect(got.status).toBe(200);
    expect(got.body.messages).toHaveLength(1);
    expect(got.body.messages[0]).toMatchObject({
      id: published.body.id,
      exchange: 'orders',
      routingKey: 'order.completed',
      correlationId: 'corr-42',
      replyTo: 'shipping',
      headers: { tenant: 'acme' },
      contentType: 'application/json',
      body: { orderId: 42 },
      encoding: 'json',
      attempt: 1,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const ack = await api('POST', '/v1/queues/inventory/ack', { receipts: [got.body.messages[0].receipt] });
    expect(ack.body).toEqual({ acked: 1, stale: [] });
    const again = await api('POST', '/v1/queues/inventory/ack', { receipts: [got.body.messages[0].receipt] });
    expect(again.body).toEqual({ acked: 0, stale: [got.body.messages[0].receipt] });
  });

  it('dead-letters after the last attempt, shows the death, and replays by click (by id) with the correlation ID kept', async () => {
    const first = await api('POST', '/v1/queues/notification/receive', { max: 1 });
    const id = first.body.messages[0].id;
    await api('POST', '/v1/queues/notification/nack', { receipts: [first.body.messages[0].receipt], error: 'smtp down' });
    const second = await api('POST', '/v1/queues/notification/receive', { max: 1, waitMs: 2000 });
    expect(second.body.messages[0]).toMatchObject({ id, attempt: 2 });
    await api('POST', '/v1/queues/notification/nack', { receipts: [second.body.messages[0].receipt], error: 'smtp still down' });
    const dead = await api('POST', '/v1/queues/notification.dlq/receive', { max: 1, visibilityMs: 100 });
    expect(dead.body.messages[0]).toMatchObject({
      id,
      correlationId: 'corr-42',
      death: { queue: 'notification', exchange: 'orders', routingKey: 'order.completed', reason: 'max_deliveries', attempts: 2, lastError: 'smtp still down' },
    });
    const detail = await api('GET', `/v1/messages/${id}`);
    expect(detail.body).toMatchObject({ id, death: { reason: 'max_deliveries' }, routedTo: ['inventory', 'notification', 'shipping'] });
    await new Promise((r) => setTimeout(r, 150)); // let the DLQ lease above lapse
    const replay = await api('POST', '/v1/queues/notification.dlq/replay', { ids: [id] });
    expect(replay.body).toEqual({ replayed: 1, skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [] }, more: false });
    const back = await api('POST', '/v1/queues/notification/receive', { max: 1 });
    expect(back.body.messages[0]).toMatchObject({ id, correlationId: 'corr-42', attempt: 1, death: null });
  });

  it('publishes straight to a queue, in batches, and with CloudEvents binary headers', async () => {
    const direct = await api('POST', '/v1/queues/shipping/messages', 'plain text', { 'content-type': 'text/plain' });
    expect(direct.body).toMatchObject({ queues: ['shipping'] });
    const batch = await api('POST', '/v1/exchanges/orders/messages:batch', {
      messages: [
        { routingKey: 'order.completed', body: { n: 1 } },
        { routingKey: 'order.completed', body: 'aGk=', encoding: 'base64' },
        { routingKey: 'order.unbound', body: 'dropped' },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.results.map((r: { queues: string[] }) => r.queues.length)).toEqual([3, 3, 0]);
    const ce = await api('POST', '/v1/exchanges/orders/messages', '{"x":1}', {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': 'order.completed',
      'ce-source': '/shop',
      'ce-id': 'evt-1',
    });
    expect(ce.body).toMatchObject({ queues: ['inventory', 'notification', 'shipping'], duplicate: false });
    // the same event (source and id) again: a duplicate
    const ceAgain = await api('POST', '/v1/exchanges/orders/messages', '{"x":1}', {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': 'order.completed',
      'ce-source': '/shop',
      'ce-id': 'evt-1',
    });
    expect(ceAgain.body).toMatchObject({ id: ce.body.id, duplicate: true, queues: [] });
    const got = await api('POST', '/v1/queues/shipping/receive', { max: 10 });
    const bodies = got.body.messages.map((m: { body: unknown; encoding: string }) => [m.encoding, m.body]);
    expect(bodies).toEqual(
      expect.arrayContaining([
        ['text', 'plain text'],
        ['json', { n: 1 }],
        ['base64', 'aGk='],
        ['json', { x: 1 }],
      ]),
    );
    const ceMessage = got.body.messages.find((m: { id: string }) => m.id === ce.body.id);
    expect(ceMessage.headers).toMatchObject({ 'ce-type': 'order.completed', 'ce-source': '/shop', 'ce-id': 'evt-1' });
  });

  it('delays a message with Hatoba-Delay-Ms and refuses an unroutable mandatory publish', async () => {
    await api('PUT', '/v1/queues/later', {});
    // Long enough that a loaded machine still reads the queue before the delay runs out.
    await api('POST', '/v1/queues/later/messages', 'soon', { 'hatoba-delay-ms': '2000', 'content-type': 'text/plain' });
    expect((await api('POST', '/v1/queues/later/receive', {})).body.messages).toHaveLength(0);
    expect((await api('GET', '/v1/queues/later')).body).toMatchObject({ delayed: 1, ready: 0 });
    const later = await api('POST', '/v1/queues/later/receive', { waitMs: 10_000 });
    expect(later.body.messages[0]).toMatchObject({ body: 'soon' });
    const refused = await api('POST', '/v1/exchanges/orders/messages', 'x', { 'hatoba-routing-key': 'nobody.home', 'hatoba-mandatory': 'true' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('unroutable');
  });

  it('long-polls until a publish arrives', async () => {
    await api('PUT', '/v1/queues/poll', {});
    const started = Date.now();
    const waiting = api('POST', '/v1/queues/poll/receive', { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await api('POST', '/v1/queues/poll/messages', 'wake up', { 'content-type': 'text/plain' });
    const got = await waiting;
    expect(got.body.messages[0].body).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('delivers a JSON body exactly as it was published: integers past 2^53, 1.10, repeated keys', async () => {
    await api('PUT', '/v1/queues/exact', {});
    const body = '{"id": 9007199254740993, "price": 1.10,\n "k": 1, "k": 2, "huge": 1e400}';
    const published = await api('POST', '/v1/queues/exact/messages', body, { 'content-type': 'application/json' });
    expect(published.status).toBe(201);
    const receive = await fetch(`${s.url}/v1/queues/exact/receive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const text = await receive.text();
    expect(text).toContain(`"body":${body},"encoding":"json"`);
    expect(JSON.parse(text).messages[0].body).toEqual({ id: 9007199254740992, price: 1.1, k: 2, huge: Infinity });
    const stored = await fetch(`${s.url}/v1/messages/${published.body.id}`);
    expect(await stored.text()).toContain(`"body":${body},`);
  });

  it('stores a JSON body sent inside JSON (batch publish, edited replay) as written, not re-serialised', async () => {
    await api('PUT', '/v1/queues/exact-batch', { maxDeliveries: 1 });
    const receiveText = async () => {
      const r = await fetch(`${s.url}/v1/queues/exact-batch/receive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"max":10}' });
      return r.text();
    };
    const first = '{"id": 9007199254740993, "rate": 0.10000000000000000555}';
    const batch = `{"messages": [{"routingKey": "exact-batch", "body": ${first}}, {"routingKey": "exact-batch", "body": [1.0, 2], "encoding": "json"}]}`;
    const published = await api('POST', '/v1/exchanges/amq.default/messages:batch', batch, { 'content-type': 'application/json' });
    expect(published.status).toBe(201);
    const got = await receiveText();
    expect(got).toContain(`"body":${first},"encoding":"json"`);
    expect(got).toContain('"body":[1.0, 2],"encoding":"json"');

    // Dead-letter the first and replay it edited: the edit's body is kept as written too.
    const receipt = JSON.parse(got).messages.find((m: { id: string }) => m.id === published.body.results[0].id).receipt;
    await api('POST', '/v1/queues/exact-batch/nack', { receipts: [receipt], requeue: false });
    const edited = '{"id": 9007199254740995, "edited": true}';
    const replay = await api('POST', '/v1/queues/exact-batch.dlq/replay', `{"all": true, "edit": {"body": ${edited}}}`, { 'content-type': 'application/json' });
    expect(replay.body).toMatchObject({ replayed: 1 });
    expect(await receiveText()).toContain(`"body":${edited},"encoding":"json"`);
  });

  it('reads header values sent as UTF-8 as their text', async () => {
    await api('PUT', '/v1/queues/utf8-headers', {});
    // fetch sends each character of a header value as one byte: these are the UTF-8 bytes of José and 東京.
    const utf8Bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const published = await api('POST', '/v1/queues/utf8-headers/messages', 'x', {
      'content-type': 'text/plain',
      'hatoba-header-name': utf8Bytes('José'),
      'hatoba-header-city': utf8Bytes('東京'),
    });
    expect(published.status).toBe(201);
    const got = await api('POST', '/v1/queues/utf8-headers/receive', {});
    expect(got.body.messages[0].headers).toEqual({ name: 'José', city: '東京' });
  });

  it('counts a consumer per open connection or per Hatoba-Consumer name, not per request', async () => {
    await api('PUT', '/v1/queues/counted', {});
    const receive = (agent: Agent | false) =>
      new Promise<void>((resolve, reject) => {
        const req = request(`${s.url}/v1/queues/counted/receive`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end('{}');
      });
    // one request per connection, each closed after its answer (curl in a loop)
    for (let i = 0; i < 5; i++) await receive(false);
    // the server sees each close a moment after the client's
    let consumers = -1;
    for (let i = 0; i < 50 && consumers !== 0; i++, await sleep(20)) consumers = (await api('GET', '/v1/queues/counted')).body.consumers;
    expect(consumers).toBe(0);
    // one keep-alive connection polling three times is one consumer; two named ones are two more
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3; i++) await receive(kept);
    for (const name of ['worker-a', 'worker-b', 'worker-a']) await api('POST', '/v1/queues/counted/receive', {}, { 'hatoba-consumer': name });
    expect((await api('GET', '/v1/queues/counted')).body.consumers).toBe(3);
    kept.destroy();
  });

  it('routes on a routing key sent as UTF-8 in a header as on the same key sent in a body', async () => {
    const utf8Bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    await api('PUT', '/v1/exchanges/cities', { type: 'topic' });
    await api('PUT', '/v1/queues/tokyo', {});
    await api('POST', '/v1/bindings', { exchange: 'cities', queue: 'tokyo', key: '東京.*' });
    const byHeader = await api('POST', '/v1/exchanges/cities/messages', 'h', {
      'content-type': 'text/plain',
      'hatoba-routing-key': utf8Bytes('東京.注文'),
      'hatoba-correlation-id': utf8Bytes('注文-1'),
    });
    expect(byHeader.body).toMatchObject({ queues: ['tokyo'], correlationId: '注文-1' });
    const byBody = await api('POST', '/v1/exchanges/cities/messages:batch', { messages: [{ routingKey: '東京.注文', body: 'b' }] });
    expect(byBody.body.results[0].queues).toEqual(['tokyo']);
    const got = await api('POST', '/v1/queues/tokyo/receive', { max: 10 });
    expect(got.body.messages.map((m: { routingKey: string }) => m.routingKey)).toEqual(['東京.注文', '東京.注文']);
    expect((await api('GET', `/v1/traces/${encodeURIComponent('注文-1')}`)).body.messages).toHaveLength(1);
  });

  it('exports and re-imports definitions idempotently; serves OpenAPI', async () => {
    const defs = await api('GET', '/v1/definitions');
    expect(defs.body.exchanges).toContainEqual({ name: 'orders', type: 'topic' });
    const imported = await api('POST', '/v1/definitions', defs.body);
    expect(imported.status).toBe(200);
    expect((await api('GET', '/v1/definitions')).body).toEqual(defs.body);
    const openapi = await api('GET', '/v1/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toContain('/v1/queues/{name}/receive');
    expect(openapi.body.paths['/v1/queues/{name}/receive'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('waitMs');
  });

  it('purges with a count and deletes', async () => {
    await api('PUT', '/v1/queues/trash', {});
    for (let i = 0; i < 3; i++) await api('POST', '/v1/queues/trash/messages', `m${i}`);
    expect((await api('POST', '/v1/queues/trash/purge')).body).toEqual({ purged: 3 });
    expect((await api('DELETE', '/v1/queues/trash')).status).toBe(204);
    expect((await api('GET', '/v1/queues/trash')).status).toBe(404);
  });

  it('a long poll whose client went away leases nothing: the message goes to the next receive', async () => {
    await api('PUT', '/v1/queues/left-behind', {});
    // A receive that waits, then its client hangs up.
    const abandoned = request(`${s.url}/v1/queues/left-behind/receive`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    abandoned.on('error', () => {});
    abandoned.end(JSON.stringify({ max: 1, waitMs: 10_000 }));
    await sleep(300);
    abandoned.destroy();
    await sleep(300);
    expect((await api('POST', '/v1/queues/left-behind/messages', 'for whoever is still there')).status).toBe(201);
    // Had the abandoned poll been woken too, it would hold the message under a 30 s lease.
    const got = await api('POST', '/v1/queues/left-behind/receive', { max: 1, waitMs: 3000 });
    expect(got.body.messages).toHaveLength(1);
    expect(got.body.messages[0]).toMatchObject({ body: 'for whoever is still there', attempt: 1 });
  });
});

