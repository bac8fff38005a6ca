import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

interface Received {
  id: string;
  receipt: string;
  correlationId: string;
  replyTo: string | null;
  body: unknown;
  attempt: number;
}

/**
 * A responder over HTTP: long-polls the request queue, publishes each reply to the request's
 * replyTo through the default exchange with the same correlation ID, then acks.
 */
function httpResponder(base: string, queue: string, answer: (body: string) => string) {
  let stopped = false;
  const handled: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      const got = await call(base, 'POST', `/v1/queues/${queue}/receive`, { max: 10, waitMs: 500 });
      for (const r of got.body.messages as Received[]) {
        handled.push(r.correlationId);
        const reply = await call(base, 'POST', `/v1/exchanges/amq.default/messages?key=${encodeURIComponent(r.replyTo!)}`, answer(String(r.body)), {
          'content-type': 'text/x-answer',
          'hatoba-correlation-id': r.correlationId,
          'hatoba-header-served-by': 'responder',
        });
        expect(reply.status).toBe(201);
        await call(base, 'POST', `/v1/queues/${queue}/ack`, { receipts: [r.receipt] });
      }
    }
  })();
  return {
    handled,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

describe.each(drivers)('observability API over HTTP on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);

  beforeAll(async () => {
    s = await startTestServer(driver, { HATOBA_SAMPLE_INTERVAL: '100' });
    await api('PUT', '/v1/exchanges/rpc', { type: 'direct' });
    await api('PUT', '/v1/queues/rpc.requests', {});
    await api('POST', '/v1/bindings', { exchange: 'rpc', queue: 'rpc.requests', key: 'upper' });
  });
  afterAll(async () => s.close());

  describe('request-reply', () => {
    it('answers with the reply body, content type, headers and Hatoba-Correlation-Id', async () => {
      const responder = httpResponder(s.url, 'rpc.requests', (b) => b.toUpperCase());
      try {
        const res = await api('POST', '/v1/exchanges/rpc/request?key=upper&timeoutMs=5000', 'hello', { 'content-type': 'text/plain' });
        expect(res.status).toBe(200);
        expect(res.body).toBe('HELLO');
        expect(res.headers.get('content-type')).toBe('text/x-answer');
        expect(res.headers.get('hatoba-header-served-by')).toBe('responder');
        const correlationId = res.headers.get('hatoba-correlation-id');
        expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(responder.handled).toEqual([correlationId]);

        // Request and reply are linked in the trace.
        const trace = await api('GET', `/v1/traces/${correlationId}`);
        expect(trace.status).toBe(200);
        expect(trace.body.correlationId).toBe(correlationId);
        expect(trace.body.messages).toHaveLength(2);
        const request = trace.body.messages.find((m: { exchange: string }) => m.exchange === 'rpc');
        const reply = trace.body.messages.find((m: { exchange: string }) => m.exchange === 'amq.default');
        expect(request).toMatchObject({ routingKey: 'upper', body: 'hello', routedTo: ['rpc.requests'], replyTo: expect.stringMatching(/^amq\.reply\./) });
        expect(reply).toMatchObject({ body: 'HELLO', routedTo: [request.replyTo], id: res.headers.get('hatoba-message-id') });
        const replied = trace.body.events.filter((e: { type: string }) => e.type === 'replied');
        expect(replied).toEqual([expect.objectContaining({ messageId: request.id, queue: request.replyTo, detail: { replyId: reply.id } })]);
        for (const e of trace.body.events) expect(new Date(e.at).toISOString()).toBe(e.at);
      } finally {
        await responder.stop();
      }
    });

    it('answers with a reply whose header and content type are not Latin-1 (published in a batch), as UTF-8', async () => {
      const pending = api('POST', '/v1/exchanges/rpc/request?key=upper&timeoutMs=5000', 'where?', { 'content-type': 'text/plain' });
      let request: { receipt: string; replyTo: string; correlationId: string } | undefined;
      for (let i = 0; i < 50 && !request; i++) request = (await api('POST', '/v1/queues/rpc.requests/receive', { waitMs: 200 })).body.messages[0];
      const replied = await api('POST', '/v1/exchanges/amq.default/messages:batch', {
        messages: [
          { routingKey: request!.replyTo, body: 'here', correlationId: request!.correlationId, headers: { city: '東京' }, contentType: 'text/plain; note=東京' },
        ],
      });
      expect(replied.status).toBe(201);
      await api('POST', '/v1/queues/rpc.requests/ack', { receipts: [request!.receipt] });
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body).toBe('here');
      expect(Buffer.from(res.headers.get('hatoba-header-city')!, 'latin1').toString('utf8')).toBe('東京');
      expect(Buffer.from(res.headers.get('content-type')!, 'latin1').toString('utf8')).toBe('text/plain; note=東京');
    });

    it('concurrent requests each get their own reply', async () => {
      const responder = httpResponder(s.url, 'rpc.requests', (b) => `<${b}>`);
      try {
        const words = ['one', 'two', 'three', 'four', 'five'];
        const answers = await Promise.all(words.map((w) => api('POST', '/v1/exchanges/rpc/request?key=upper', w, { 'content-type': 'text/plain' })));
        expect(answers.map((a) => a.status)).toEqual(words.map(() => 200));
        expect(answers.map((a) => a.body)).toEqual(words.map((w) => `<${w}>`));
        expect(new Set(answers.map((a) => a.headers.get('hatoba-correlation-id'))).size).toBe(words.length);
      } finally {
        await responder.stop();
      }
    });

    it('504 reply_timeout when nobody answers; 404 unroutable for a key nobody is bound to; 400 for a bad timeout', async () => {
      const started = Date.now();
      const timeout = await api('POST', '/v1/exchanges/rpc/request?key=upper&timeoutMs=300', 'anyone?', { 'content-type': 'text/plain' });
      expect(timeout.status).toBe(504);
      expect(timeout.body.error).toMatchObject({ code: 'reply_timeout', details: { timeoutMs: 300 } });
      expect(Date.now() - started).toBeLessThan(3000);
      // The unanswered request is still queued for a responder: drain it so later tests start clean.
      const left = await api('POST', '/v1/queues/rpc.requests/receive', { max: 10 });
      await api('POST', '/v1/queues/rpc.requests/ack', { receipts: left.body.messages.map((m: Received) => m.receipt) });

      const unroutable = await api('POST', '/v1/exchanges/rpc/request?key=nobody&timeoutMs=5000', 'x');
      expect(unroutable.status).toBe(404);
      expect(unroutable.body.error.code).toBe('unroutable');
      expect((await api('POST', '/v1/exchanges/nope/request?key=upper', 'x')).body.error.code).toBe('exchange_not_found');
      for (const bad of ['timeoutMs=0', 'timeoutMs=abc', 'timeoutMs=300001', 'bogus=1']) {
        const r = await api('POST', `/v1/exchanges/rpc/request?key=upper&${bad}`, 'x');
        expect(r.status, bad).toBe(400);
        expect(r.body.error.code).toBe('validation_failed');
      }
    });
  });

  describe('traces', () => {
    it('a message retried, dead-lettered and replayed shows every step with queue, node, attempt and error', async () => {
      await api('PUT', '/v1/queues/flaky', { maxDeliveries: 2, retry: { initialDelayMs: 0, jitter: 0 } });
      await api('POST', '/v1/queues/flaky/messages', 'try me', { 'hatoba-correlation-id': 'http-trace-1' });
      for (const attempt of [1, 2]) {
        const got = await waitFor(async () => {
          const r = await api('POST', '/v1/queues/flaky/receive', { max: 1 });
          return r.body.messages[0] as Received | undefined;
        });
        expect(got.attempt).toBe(attempt);
        await api('POST', '/v1/queues/flaky/nack', { receipts: [got.receipt], error: `boom ${attempt}` });
      }
      expect((await api('POST', '/v1/queues/flaky.dlq/replay', { all: true })).body).toMatchObject({ replayed: 1 });
      const again = (await api('POST', '/v1/queues/flaky/receive', { max: 1 })).body.messages[0] as Received;
      expect(again.attempt).toBe(1);
      const trace = await api('GET', '/v1/traces/http-trace-1');
      const events = trace.body.events as { type: string; attempt: number | null; queue: string | null; node: string | null; detail: Record<string, unknown> | null }[];
      expect(events.map((e) => e.type)).toEqual([
        'published',
        'routed',
        'delivered',
        'nacked',
        'retry_scheduled',
        'delivered',
        'nacked',
        'dead_lettered',
        'replayed',
        'delivered',
      ]);
      expect(events.filter((e) => e.type === 'delivered').map((e) => e.attempt)).toEqual([1, 2, 1]);
      expect(events.filter((e) => e.type === 'nacked').map((e) => e.detail)).toEqual([{ error: 'boom 1' }, { error: 'boom 2' }]);
      expect(events.find((e) => e.type === 'dead_lettered')).toMatchObject({ queue: 'flaky', attempt: 2, detail: { reason: 'max_deliveries', lastError: 'boom 2' } });
      expect(events.find((e) => e.type === 'replayed')).toMatchObject({ queue: 'flaky.dlq' });
      expect(events.slice(2).every((e) => typeof e.node === 'string' && e.node.length > 0)).toBe(true);
      expect(events.filter((e) => e.type === 'delivered').every((e) => e.queue === 'flaky')).toBe(true);
      expect((await api('GET', '/v1/traces/nothing-here')).body).toEqual({ correlationId: 'nothing-here', messages: [], events: [] });
    });
  });

  describe('event log, history and exchange replay', () => {
    it('a follower of GET /log sees every message of concurrent HTTP publishers exactly once, in seq order', async () => {
      await api('PUT', '/v1/exchanges/stream', { type: 'fanout' });
      await api('PUT', '/v1/queues/stream.sink', {});
      await api('POST', '/v1/bindings', { exchange: 'stream', queue: 'stream.sink' });
      let done = false;
      const seen: { seq: number; id: string }[] = [];
      const follower = (async () => {
        let after = 0;
        for (;;) {
          const finishing = done;
          const page = await api('GET', `/v1/exchanges/stream/log?after=${after}&limit=23`);
          expect(page.status).toBe(200);
          seen.push(...page.body.messages);
          after = page.body.nextAfter;
          if (page.body.messages.length === 0) {
            if (finishing) return;
            await sleep(5);
          }
        }
      })();
      const ids: string[] = [];
      const publishers = Array.from({ length: 6 }, async (_, p) => {
        for (let i = 0; i < 20; i++) ids.push((await api('POST', '/v1/exchanges/stream/messages', `p${p}-${i}`, { 'hatoba-routing-key': `k${p % 2}` })).body.id);
      });
      const batches = Array.from({ length: 3 }, async (_, b) => {
        const r = await api('POST', '/v1/exchanges/stream/messages:batch', {
          messages: Array.from({ length: 10 }, (_, i) => ({ routingKey: 'batch', body: `b${b}-${i}`, encoding: 'text' })),
        });
        ids.push(...r.body.results.map((x: { id: string }) => x.id));
      });
      await Promise.all([...publishers, ...batches]);
      done = true;
      await follower;
      expect(ids).toHaveLength(150);
      const seqs = seen.map((m) => m.seq);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
      expect(seen.map((m) => m.id).sort()).toEqual([...ids].sort());

      const keyed = await api('GET', '/v1/exchanges/stream/log?key=batch&limit=1000');
      expect(keyed.body.messages).toHaveLength(30);
      // The page is not full, so every message of the exchange was looked at: a follower goes on
      // from the exchange's last seq, not from its last match.
      expect(keyed.body.nextAfter).toBe(seqs.at(-1));
      expect((await api('GET', '/v1/exchanges/missing/log')).status).toBe(404);
      expect((await api('GET', '/v1/exchanges/stream/log?after=-1')).status).toBe(400);

      const history = await api('GET', '/v1/exchanges/stream/history?bucket=1h');
      expect(history.status).toBe(200);
      const count = (key: string | null) =>
        history.body.buckets.filter((b: { routingKey: string | null }) => b.routingKey === key).reduce((n: number, b: { count: number }) => n + b.count, 0);
      expect([count('k0'), count('k1'), count('batch')]).toEqual([60, 60, 30]);
      const flat = await api('GET', '/v1/exchanges/stream/history?groupBy=none');
      expect(flat.body.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(150);
      expect(flat.body.buckets.every((b: { routingKey: string | null }) => b.routingKey === null)).toBe(true);
      expect((await api('GET', '/v1/exchanges/stream/history?bucket=7m')).status).toBe(400);
    });

    it('POST /exchanges/{x}/replay copies a time range into a queue with correlation IDs kept', async () => {
      await api('PUT', '/v1/exchanges/billing', { type: 'topic' });
      await api('PUT', '/v1/queues/billing.live', {});
      await api('PUT', '/v1/queues/billing.rebuild', {});
      await api('POST', '/v1/bindings', { exchange: 'billing', queue: 'billing.live', key: 'invoice.#' });
      await api('POST', '/v1/exchanges/billing/messages', 'before', { 'hatoba-routing-key': 'invoice.created', 'hatoba-correlation-id': 'inv-0' });
      await sleep(30);
      const from = new Date().toISOString();
      await sleep(5);
      for (let i = 1; i <= 3; i++) {
        await api('POST', '/v1/exchanges/billing/messages', `invoice ${i}`, { 'hatoba-routing-key': 'invoice.created', 'hatoba-correlation-id': `inv-${i}` });
      }
      await sleep(30);
      const to = new Date().toISOString();
      await sleep(5);
      await api('POST', '/v1/exchanges/billing/messages', 'after', { 'hatoba-routing-key': 'invoice.created', 'hatoba-correlation-id': 'inv-4' });

      const replayed = await api('POST', '/v1/exchanges/billing/replay', { from, to, target: { queue: 'billing.rebuild' } });
      expect(replayed.status).toBe(200);
      expect(replayed.body).toEqual({ replayed: 3 });
      const copies = (await api('POST', '/v1/queues/billing.rebuild/receive', { max: 10 })).body.messages as Received[];
      expect(copies.map((c) => [c.body, c.correlationId])).toEqual([
        ['invoice 1', 'inv-1'],
        ['invoice 2', 'inv-2'],
        ['invoice 3', 'inv-3'],
      ]);
      expect((await api('GET', '/v1/queues/billing.live')).body.ready).toBe(5); // the live queue got nothing extra
      // Back through the same exchange: its log shows each copy with the original it came from.
      expect((await api('POST', '/v1/exchanges/billing/replay', { from, to, target: { exchange: 'billing', routingKey: 'invoice.replayed' } })).body).toEqual({ replayed: 3 });
      const log = (await api('GET', '/v1/exchanges/billing/log?limit=100')).body.messages as { id: string; routingKey: string; correlationId: string; replayOf: string | null }[];
      const originals = log.filter((m) => m.routingKey === 'invoice.created' && /^inv-[123]$/.test(m.correlationId));
      expect(log.filter((m) => m.routingKey === 'invoice.created').every((m) => m.replayOf === null)).toBe(true);
      expect(log.filter((m) => m.routingKey === 'invoice.replayed').map((m) => [m.correlationId, m.replayOf])).toEqual(originals.map((m) => [m.correlationId, m.id]));
      expect((await api('GET', '/v1/queues/billing.live')).body.ready).toBe(8);
      const bad = await api('POST', '/v1/exchanges/billing/replay', { from, to, target: { queue: 'nope' } });
      expect(bad.status).toBe(404);
      expect(bad.body.error.code).toBe('replay_target_not_found');
      expect((await api('POST', '/v1/exchanges/billing/replay', { from: 'yesterday', to, target: { queue: 'billing.rebuild' } })).status).toBe(400);
    });
  });

  describe('message search', () => {
    it('filters by correlationId, id, exchange, routingKey, queue, header and time; pages with a cursor', async () => {
      await api('PUT', '/v1/exchanges/shop', { type: 'topic' });
      await api('PUT', '/v1/queues/shop.orders', {});
      await api('POST', '/v1/bindings', { exchange: 'shop', queue: 'shop.orders', key: 'order.*' });
      const start = new Date().toISOString();
      // The database's clock is not this process's: seen once in CI, a message stamped in the
      // same millisecond as `start` (so `to=start` found it). Publish a few ms later.
      await sleep(5);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await api('POST', '/v1/exchanges/shop/messages', `order ${i}`, {
          'hatoba-routing-key': i % 3 === 0 ? 'order.cancelled' : 'order.placed',
          'hatoba-correlation-id': `shop-${i % 4}`,
          'hatoba-header-Tenant': i % 2 === 0 ? 'acme' : 'globex',
          'hatoba-header-Region': 'eu',
        });
        ids.push(r.body.id);
      }
      await api('POST', '/v1/exchanges/shop/messages', 'nobody', { 'hatoba-routing-key': 'refund.issued', 'hatoba-header-tenant': 'acme' });
      const search = async (q: string) => {
        const r = await api('GET', `/v1/messages?${q}`);
        expect(r.status, q).toBe(200);
        return r.body as { messages: { id: string; routedTo: string[]; seq: number; headers: Record<string, string> }[]; nextCursor: string | null };
      };
      const newestFirst = (pick: (i: number) => boolean) => ids.filter((_, i) => pick(i)).reverse();

      expect((await search('correlationId=shop-1')).messages.map((m) => m.id)).toEqual(newestFirst((i) => i % 4 === 1));
      expect((await search(`id=${ids[5]}`)).messages.map((m) => m.id)).toEqual([ids[5]]);
      expect((await search('exchange=shop&routingKey=order.cancelled')).messages.map((m) => m.id)).toEqual(newestFirst((i) => i % 3 === 0));
      expect((await search('queue=shop.orders&limit=100')).messages.map((m) => m.id)).toEqual(newestFirst(() => true));
      expect((await search('exchange=shop&header=tenant:globex')).messages.map((m) => m.id)).toEqual(newestFirst((i) => i % 2 === 1));
      // Header names match case-insensitively (stored lowercased); repeated header filters all apply.
      expect((await search('exchange=shop&header=Tenant:acme&header=region:eu&routingKey=order.placed')).messages.map((m) => m.id)).toEqual(
        newestFirst((i) => i % 2 === 0 && i % 3 !== 0),
      );
      expect((await search('header=region:us')).messages).toEqual([]);
      const found = (await search(`id=${ids[0]}`)).messages[0]!;
      expect(found).toMatchObject({ routedTo: ['shop.orders'], headers: { tenant: 'acme', region: 'eu' } });
      expect(found.seq).toBeGreaterThan(0);
      expect((await search(`exchange=shop&from=${encodeURIComponent(start)}`)).messages).toHaveLength(13);
      expect((await search(`exchange=shop&to=${encodeURIComponent(start)}`)).messages).toHaveLength(0);

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof search>> = await search(`exchange=shop&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push(page.messages.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 3]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(13);
      expect(all.slice(1)).toEqual(newestFirst(() => true));

      for (const bad of ['header=novalue', 'limit=0', 'cursor=xyz', 'from=yesterday', 'unknown=1']) {
        const r = await api('GET', `/v1/messages?${bad}`);
        expect(r.status, bad).toBe(400);
      }
    });
  });

  describe('depth samples', () => {
    it('GET /v1/queues/{name}/depth returns the samples taken on the timer', async () => {
      await api('PUT', '/v1/queues/sampled', {});
      for (let i = 0; i < 4; i++) await api('POST', '/v1/queues/sampled/messages', `s${i}`);
      const sample = await waitFor(async () => {
        const r = await api('GET', '/v1/queues/sampled/depth');
        expect(r.status).toBe(200);
        return (r.body.samples as { ready: number; at: string }[]).find((x) => x.ready === 4);
      });
      expect(sample).toMatchObject({ ready: 4, inFlight: 0, delayed: 0 });
      expect(new Date(sample.at).getTime()).toBeLessThanOrEqual(Date.now());
      expect((await api('GET', '/v1/queues/missing/depth')).status).toBe(404);
    });
  });
});
