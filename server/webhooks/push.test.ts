import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startHatoba } from '../main';
import { drivers, openTestDb } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';
import { emptyAllowList, parseAllowList } from './address-guard';
import { pushSend } from './push-send';

/** A webhook receiver on 127.0.0.1 (the only address these tests send to); each path behaves differently. */
interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

async function startReceiver() {
  const hits: Hit[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const limitedSeen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      const id = String(req.headers['webhook-id']);
      switch (path) {
        case '/fail':
          return res.writeHead(500).end('boom '.repeat(10_000)); // a large body, capped by the sender
        case '/gone':
        case '/auth/gone':
          return res.writeHead(410).end();
        case '/redirect':
          return res.writeHead(302, { location: '/ok' }).end();
        case '/limited':
          if (!limitedSeen.has(id)) {
            limitedSeen.add(id);
            return res.writeHead(429, { 'retry-after': '1' }).end();
          }
          return res.writeHead(204).end();
        case '/slow':
          concurrent++;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          setTimeout(() => {
            concurrent--;
            res.writeHead(200).end('ok');
          }, 150);
          return;
        case '/hang':
          return; // never answers
        default:
          return res.writeHead(200).end('ok');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits: (path: string) => hits.filter((h) => h.path === path),
    maxConcurrent: () => maxConcurrent,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function until<T>(what: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(drivers)('push delivery on %s', (driver) => {
  let s: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);

  /** A queue that retries fast and dies after 3 attempts, pushed to `path`. */
  async function pushed(queue: string, path: string, extra: Record<string, unknown> = {}) {
    await api('PUT', `/v1/queues/${queue}`, { maxDeliveries: 3, retry: { initialDelayMs: 100, multiplier: 2, jitter: 0 } });
    const put = await api('PUT', `/v1/queues/${queue}/push`, { url: receiver.url(path), timeoutMs: 2000, ...extra });
    expect(put.status).toBe(201);
    return put.body as { secret: string };
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    s = await startTestServer(driver, { HATOBA_PUSH_ALLOW_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    await s.close();
    await receiver.close();
  });

  it('POSTs every message signed per Standard Webhooks, with its correlation ID and traceparent, and acks on 2xx', async () => {
    const { secret } = await pushed('orders', '/ok');
    expect(secret).toMatch(/^whsec_/);
    const shown = await api('GET', '/v1/queues/orders/push');
    expect(shown.body).toMatchObject({ queue: 'orders', url: receiver.url('/ok'), status: 'active', concurrency: 4, running: true });
    expect(shown.body.secret).toBeUndefined();

    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    for (let i = 0; i < 5; i++) {
      await api('POST', '/v1/queues/orders/messages', JSON.stringify({ n: i }), {
        'content-type': 'application/json',
        'hatoba-correlation-id': `corr-${i}`,
        'hatoba-header-tenant': 'acme',
        traceparent,
      });
    }
    const hits = await until(() => receiver.hits('/ok'), (h) => h.length >= 5);
    expect(hits).toHaveLength(5);
    const wh = new Webhook(secret);
    for (const h of hits) {
      expect(wh.verify(h.body, h.headers as Record<string, string>)).toEqual(JSON.parse(h.body.toString()));
      expect(h.headers).toMatchObject({ 'content-type': 'application/json', traceparent, 'hatoba-header-tenant': 'acme', 'hatoba-attempt': '1' });
    }
    expect(hits.map((h) => h.headers['hatoba-correlation-id']).sort()).toEqual(['corr-0', 'corr-1', 'corr-2', 'corr-3', 'corr-4']);
    const info = await until(() => api('GET', '/v1/queues/orders'), (r) => r.body.ready + r.body.inFlight === 0);
    expect(info.body).toMatchObject({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it('sends header values as UTF-8, whether they came in a header or inside a batch', async () => {
    await pushed('utf8', '/ok');
    await api('POST', '/v1/queues/utf8/messages', 'a', { 'hatoba-header-name': Buffer.from('José', 'utf8').toString('latin1') });
    await api('POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'utf8', body: 'b', headers: { name: '東京' } }] });
    const hits = await until(() => receiver.hits('/ok').filter((h) => h.headers['hatoba-queue'] === 'utf8'), (h) => h.length >= 2);
    const names = hits.map((h) => Buffer.from(String(h.headers['hatoba-header-name']), 'latin1').toString('utf8'));
    expect(names.sort()).toEqual(['José', '東京']);
  });

  it('delivers a message whose correlation ID and content type are not Latin-1, as UTF-8', async () => {
    await pushed('utf8-fields', '/ok');
    const sent = await api('POST', '/v1/exchanges/amq.default/messages:batch', {
      messages: [{ routingKey: 'utf8-fields', body: 'c', correlationId: '注文-1', contentType: 'text/plain; note=東京' }],
    });
    expect(sent.status).toBe(201);
    const [hit] = await until(() => receiver.hits('/ok').filter((h) => h.headers['hatoba-queue'] === 'utf8-fields'), (h) => h.length >= 1);
    const utf8 = (v: unknown) => Buffer.from(String(v), 'latin1').toString('utf8');
    expect(utf8(hit!.headers['hatoba-correlation-id'])).toBe('注文-1');
    expect(utf8(hit!.headers['content-type'])).toBe('text/plain; note=東京');
    expect(hit!.headers['hatoba-attempt']).toBe('1');
  });

  it('a failing receiver: retried with backoff, then dead-lettered with the status as last error (response body capped)', async () => {
    await pushed('failing', '/fail');
    const published = await api('POST', '/v1/queues/failing/messages', 'hello');
    const hits = await until(() => receiver.hits('/fail'), (h) => h.length >= 3);
    expect(hits.map((h) => h.headers['hatoba-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(hits.map((h) => h.headers['webhook-id']))).toEqual(new Set([published.body.id]));
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(90); // 100 ms, then 200 ms
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(190);
    const dead = await until(() => api('POST', '/v1/queues/failing.dlq/receive', { max: 1 }), (r) => r.body.messages.length > 0);
    expect(dead.body.messages[0].death).toMatchObject({ queue: 'failing', reason: 'max_deliveries', attempts: 3 });
    expect(dead.body.messages[0].death.lastError).toMatch(/^HTTP 500: boom/);
    expect(dead.body.messages[0].death.lastError.length).toBeLessThan(300);
  });

  it('honours Retry-After on 429', async () => {
    await pushed('limited', '/limited');
    await api('POST', '/v1/queues/limited/messages', 'x');
    const hits = await until(() => receiver.hits('/limited'), (h) => h.length >= 2, 5000);
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(950);
    expect((await until(() => api('GET', '/v1/queues/limited'), (r) => r.body.ready + r.body.inFlight + r.body.delayed === 0)).body.delayed).toBe(0);
  });

  it('410 Gone disables the endpoint; a PUT enables it again', async () => {
    await pushed('gone', '/gone');
    await api('POST', '/v1/queues/gone/messages', 'a');
    // disabled first, then its loop stops (it finishes the request in flight)
    const state = await until(() => api('GET', '/v1/queues/gone/push'), (r) => r.body.status === 'disabled' && r.body.running === false);
    expect(state.body).toMatchObject({ status: 'disabled', running: false, disabledReason: expect.stringContaining('410') });
    await api('POST', '/v1/queues/gone/messages', 'b');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.hits('/gone')).toHaveLength(1);
    const again = await api('PUT', '/v1/queues/gone/push', { url: receiver.url('/ok') });
    expect(again.status).toBe(200);
    expect(again.body.secret).toBeUndefined(); // the endpoint keeps its secret
    expect(again.body.status).toBe('active');
  });

  it.each(['durable', 'memory'])('410 Gone gives the lease back: the message waits in its (%s) queue, its attempt unspent, not dead-lettered', async (durability) => {
    const q = `gone-once-${durability}`;
    await api('PUT', `/v1/queues/${q}`, { maxDeliveries: 1, durability });
    expect((await api('PUT', `/v1/queues/${q}/push`, { url: receiver.url('/gone') })).status).toBe(201);
    const published = await api('POST', `/v1/queues/${q}/messages`, 'keep me');
    await until(() => api('GET', `/v1/queues/${q}/push`), (r) => r.body.status === 'disabled' && r.body.running === false);
    expect(receiver.hits('/gone').filter((h) => h.headers['hatoba-queue'] === q)).toHaveLength(1);
    const pulled = await api('POST', `/v1/queues/${q}/receive`, { max: 10 });
    expect(pulled.body.messages).toHaveLength(1);
    expect(pulled.body.messages[0]).toMatchObject({ id: published.body.id, attempt: 1 });
    expect((await api('POST', `/v1/queues/${q}.dlq/receive`, { max: 10 })).body.messages).toHaveLength(0);
  });

  it('a password in the push URL authenticates to the receiver but is never shown', async () => {
    const withPassword = (path: string) => receiver.url(path).replace('http://', 'http://user:pa55@');
    const shown = (path: string) => receiver.url(path).replace('http://', 'http://user:***@');
    await api('PUT', '/v1/queues/basic-auth', {});
    const put = await api('PUT', '/v1/queues/basic-auth/push', { url: withPassword('/auth/ok') });
    expect(put.status).toBe(201);
    expect(put.body.url).toBe(shown('/auth/ok'));
    const got = await api('GET', '/v1/queues/basic-auth/push');
    expect(got.body.url).toBe(shown('/auth/ok'));
    expect(JSON.stringify(got.body)).not.toContain('pa55');
    await api('POST', '/v1/queues/basic-auth/messages', 'x');
    const [hit] = await until(() => receiver.hits('/auth/ok'), (h) => h.length >= 1);
    expect(hit!.headers.authorization).toBe(`Basic ${Buffer.from('user:pa55').toString('base64')}`);
    // nor in the reason a disabled endpoint gives
    await api('PUT', '/v1/queues/basic-auth/push', { url: withPassword('/auth/gone') });
    await api('POST', '/v1/queues/basic-auth/messages', 'y');
    const disabled = await until(() => api('GET', '/v1/queues/basic-auth/push'), (r) => r.body.status === 'disabled');
    expect(disabled.body.disabledReason).toBe(`${shown('/auth/gone')} answered 410 Gone`);
    expect(JSON.stringify(disabled.body)).not.toContain('pa55');
  });

  it("refuses a push endpoint on a node's own reply queue (amq.): 400 reserved_name", async () => {
    await api('PUT', '/v1/queues/rpc', {});
    expect((await api('POST', '/v1/exchanges/amq.default/request?key=rpc&timeoutMs=100', 'ping')).status).toBe(504);
    const replyQueue = (await api('GET', '/v1/queues')).body.queues.map((q: { name: string }) => q.name).find((n: string) => n.startsWith('amq.reply.'));
    expect(replyQueue).toBeDefined();
    const put = await api('PUT', `/v1/queues/${replyQueue}/push`, { url: receiver.url('/ok') });
    expect(put.status).toBe(400);
    expect(put.body.error.code).toBe('reserved_name');
    expect((await api('GET', `/v1/queues/${replyQueue}/push`)).body.error.code).toBe('push_not_found');
  });

  it('does not follow redirects', async () => {
    const before = receiver.hits('/ok').length;
    await pushed('redirected', '/redirect');
    await api('POST', '/v1/queues/redirected/messages', 'r');
    await until(() => receiver.hits('/redirect'), (h) => h.length >= 3);
    const dead = await until(() => api('POST', '/v1/queues/redirected.dlq/receive', {}), (r) => r.body.messages.length > 0);
    expect(dead.body.messages[0].death.lastError).toBe('HTTP 302: redirect to /ok not followed');
    expect(receiver.hits('/ok').length - before).toBeLessThanOrEqual(2); // only the earlier 'gone' queue's messages, if any
    expect(receiver.hits('/ok').every((h) => h.headers['hatoba-queue'] !== 'redirected')).toBe(true);
  });

  it('keeps at most `concurrency` requests in flight, and times out a receiver that does not answer', async () => {
    await pushed('slow', '/slow', { concurrency: 2 });
    for (let i = 0; i < 6; i++) await api('POST', '/v1/queues/slow/messages', String(i));
    await until(() => receiver.hits('/slow'), (h) => h.length >= 6);
    expect(receiver.maxConcurrent()).toBe(2);

    await pushed('hung', '/hang', { timeoutMs: 200 });
    await api('POST', '/v1/queues/hung/messages', 'h');
    const dead = await until(() => api('POST', '/v1/queues/hung.dlq/receive', {}), (r) => r.body.messages.length > 0);
    expect(dead.body.messages[0].death.lastError).toBe('no answer within 200 ms');
  });

  it('DELETE stops pushing; 404 push_not_found after', async () => {
    expect((await api('DELETE', '/v1/queues/slow/push')).status).toBe(204);
    expect((await api('GET', '/v1/queues/slow/push')).body.error.code).toBe('push_not_found');
    expect((await api('DELETE', '/v1/queues/slow/push')).body.error.code).toBe('push_not_found');
    expect((await api('PUT', '/v1/queues/nothere/push', { url: receiver.url('/ok') })).body.error.code).toBe('queue_not_found');
    expect((await api('PUT', '/v1/queues/orders/push', { url: 'ftp://127.0.0.1/' })).status).toBe(400);
    expect((await api('PUT', '/v1/queues/orders/push', { url: receiver.url('/ok'), secret: 'not-a-secret' })).body.error.code).toBe('validation_failed');
  });

  it('endpoints are stored: a restarted server pushes again', async () => {
    const db = await openTestDb(driver);
    const config = loadConfig({ PORT: '0', HATOBA_DASHBOARD: '0', HATOBA_LOG_LEVEL: 'silent', HATOBA_PUSH_ALLOW_HOSTS: '127.0.0.1' }, []);
    try {
      const first = await startHatoba(config, { db });
      const base = `http://127.0.0.1:${first.port}`;
      await call(base, 'PUT', '/v1/queues/durable', {});
      const { body } = await call(base, 'PUT', '/v1/queues/durable/push', { url: receiver.url('/ok') });
      await first.stop();
      const second = await startHatoba(config, { db });
      const published = await call(`http://127.0.0.1:${second.port}`, 'POST', '/v1/queues/durable/messages', 'after restart');
      const hit = await until(() => receiver.hits('/ok').find((h) => h.headers['webhook-id'] === published.body.id), (h) => h !== undefined);
      expect(() => new Webhook(body.secret).verify(hit!.body, hit!.headers as Record<string, string>, { jsonParse: false })).not.toThrow();
      await second.stop();
    } finally {
      await db.close();
    }
  });
});

describe.each(drivers)('push targets without an allow list on %s', (driver) => {
  let s: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    s = await startTestServer(driver);
    await call(s.url, 'PUT', '/v1/queues/q', {});
  });
  afterAll(async () => {
    await s.close();
    await receiver.close();
  });

  it.each(['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '[::1]', '169.254.169.254', '10.0.0.1', '0.0.0.0'])('refuses %s at PUT time: 400 push_target_forbidden', async (host) => {
    const r = await call(s.url, 'PUT', '/v1/queues/q/push', { url: `http://${host}:${receiver.port}/ok` });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('push_target_forbidden');
  });

  it('refuses at connect time too: a name that resolves to loopback later (DNS rebinding) is never connected to', async () => {
    const send = (allow = emptyAllowList()) =>
      pushSend(
        { url: `http://rebound.test:${receiver.port}/ok`, headers: {}, body: Buffer.from('x'), timeoutMs: 2000 },
        { allow, resolve: async () => [{ address: '::ffff:127.0.0.1', family: 6 }] },
      );
    expect(await send()).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('127.0.0.1 (loopback)') });
    expect(receiver.hits('/ok')).toHaveLength(0);
    // Allowed, it connects to the address it checked (rebound.test is in no DNS: only our resolver knows it).
    expect(await send(parseAllowList('rebound.test'))).toMatchObject({ kind: 'response', status: 200 });
    expect(receiver.hits('/ok')).toHaveLength(1);
    // Every address counts: one public and one private answer is refused.
    const mixed = await pushSend(
      { url: `http://mixed.test:${receiver.port}/ok`, headers: {}, body: Buffer.from('x'), timeoutMs: 2000 },
      { allow: emptyAllowList(), resolve: async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.8', family: 4 }] },
    );
    expect(mixed.kind).toBe('forbidden');
  });

  it('a request Node will not build (a header it refuses) is an error result, not a throw', async () => {
    const sent = await pushSend(
      { url: `http://rebound.test:${receiver.port}/ok`, headers: { 'bad name': 'v' }, body: Buffer.from('x'), timeoutMs: 2000 },
      { allow: parseAllowList('rebound.test'), resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
    );
    expect(sent).toMatchObject({ kind: 'error', message: expect.stringContaining('request not sent') });
  });
});
