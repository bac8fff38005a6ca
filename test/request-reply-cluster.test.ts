import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from './global-setup';
import { killHard, spawnServer, type ServerProcess } from './process';
import { call } from './server';

const base = process.env.TEST_DATABASE_URL;

interface Received {
  receipt: string;
  correlationId: string;
  replyTo: string | null;
  body: unknown;
}

/**
 * A responder talking only to `url`: long-polls the request queue there and publishes each reply
 * there too. Its polls are long, so a lost wake-up would show as a slow answer; stop() wakes it
 * with a message that has no return address.
 */
function responder(url: string, queue: string, answer: (body: string) => string) {
  let stopped = false;
  const handled: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      const got = await call(url, 'POST', `/v1/queues/${queue}/receive`, { max: 10, waitMs: 5000 });
      expect(got.status).toBe(200);
      for (const r of got.body.messages as Received[]) {
        if (r.replyTo) {
          handled.push(r.correlationId);
          const sent = await call(url, 'POST', `/v1/exchanges/amq.default/messages?key=${encodeURIComponent(r.replyTo)}`, answer(String(r.body)), {
            'content-type': 'text/plain',
            'hatoba-correlation-id': r.correlationId,
            // A reply that routes nowhere would be a silent loss: make it an error the test sees.
            'hatoba-mandatory': 'true',
          });
          expect(sent.status, JSON.stringify(sent.body)).toBe(201);
        }
        await call(url, 'POST', `/v1/queues/${queue}/ack`, { receipts: [r.receipt] });
      }
    }
  })();
  return {
    handled,
    async stop() {
      stopped = true;
      await call(url, 'POST', `/v1/queues/${queue}/messages`, 'stop');
      await loop;
    },
  };
}

describe.runIf(!!base)('request-reply across two server processes on one PostgreSQL', () => {
  const name = `hatoba_rr_${process.pid}_${Date.now()}`;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const admin = postgres(base!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const env = { DATABASE_URL: withDatabase(base!, name), HATOBA_LOG_LEVEL: 'info' };
    a = await spawnServer({ ...env, HATOBA_NODE_ID: 'node-a' }); // migrates first
    b = await spawnServer({ ...env, HATOBA_NODE_ID: 'node-b' });
  });

  afterAll(async () => {
    for (const p of [a, b]) {
      if (!p) continue;
      p.child.kill('SIGTERM');
      const code = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
      if (code === 'timeout') await killHard(p);
    }
    const admin = postgres(base!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('a request through node A is answered by a responder that consumes and replies through node B', async () => {
    expect((await call(a.url, 'PUT', '/v1/exchanges/rpc', { type: 'direct' })).status).toBe(201);
    expect((await call(a.url, 'PUT', '/v1/queues/rpc.work', {})).status).toBe(201);
    expect((await call(a.url, 'POST', '/v1/bindings', { exchange: 'rpc', queue: 'rpc.work', key: 'double' })).status).toBe(201);
    // Node B learns the topology from A's change (NOTIFY).
    for (let i = 0; i < 100 && (await call(b.url, 'GET', '/v1/queues/rpc.work')).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));

    // The responder is already waiting on B when the very first request (and so A's reply queue) appears.
    const onB = responder(b.url, 'rpc.work', (body) => body + body);
    try {
      const res = await call(a.url, 'POST', '/v1/exchanges/rpc/request?key=double&timeoutMs=10000', 'ab', { 'content-type': 'text/plain' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toBe('abab');
      const correlationId = res.headers.get('hatoba-correlation-id');
      expect(onB.handled).toEqual([correlationId]);

      // More, concurrently, through A, and through B as well: each node gets its own replies.
      const viaA = ['x', 'y', 'z'].map((w) => call(a.url, 'POST', '/v1/exchanges/rpc/request?key=double&timeoutMs=10000', w, { 'content-type': 'text/plain' }));
      const viaB = ['p', 'q'].map((w) => call(b.url, 'POST', '/v1/exchanges/rpc/request?key=double&timeoutMs=10000', w, { 'content-type': 'text/plain' }));
      const answers = await Promise.all([...viaA, ...viaB]);
      expect(answers.map((r) => [r.status, r.body])).toEqual([
        [200, 'xx'],
        [200, 'yy'],
        [200, 'zz'],
        [200, 'pp'],
        [200, 'qq'],
      ]);

      // One after another, each is answered at once: wake-ups cross the nodes by NOTIFY and none is
      // lost (a lost one would cost the 1 s re-check on A or the responder's 5 s poll on B).
      const took: number[] = [];
      for (let i = 0; i < 15; i++) {
        const started = Date.now();
        const r = await call(a.url, 'POST', '/v1/exchanges/rpc/request?key=double&timeoutMs=10000', `r${i}`, { 'content-type': 'text/plain' });
        expect(r.body).toBe(`r${i}r${i}`);
        took.push(Date.now() - started);
      }
      expect(Math.max(...took), took.join(' ')).toBeLessThan(900);

      // The trace (read on either node) shows the request from node A and the reply to A's reply queue.
      const trace = await call(b.url, 'GET', `/v1/traces/${correlationId}`);
      const request = trace.body.messages.find((m: { exchange: string }) => m.exchange === 'rpc');
      expect(request.replyTo).toBe('amq.reply.node-a');
      const nodes = new Set(trace.body.events.filter((e: { node: string | null }) => e.node).map((e: { node: string }) => e.node));
      expect(nodes).toEqual(new Set(['node-a', 'node-b']));
      expect(trace.body.events.some((e: { type: string }) => e.type === 'replied')).toBe(true);
      const replyDelivered = trace.body.events.find(
        (e: { type: string; queue: string | null }) => e.type === 'delivered' && e.queue === 'amq.reply.node-a',
      );
      expect(replyDelivered.node).toBe('node-a');
      // Its publish names the node that accepted it.
      const requestPublished = trace.body.events.find((e: { type: string; messageId: string }) => e.type === 'published' && e.messageId === request.id);
      expect(requestPublished.node).toBe('node-a');
    } finally {
      await onB.stop();
    }
  });
});
