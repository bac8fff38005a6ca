import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { waitFor } from '../../test/broker-helpers';
import { call } from '../../test/server';
import { clusterOnPostgres } from '../../test/cluster-nodes';
import type { SharedPostgres } from '../../test/shared-postgres';

interface Received {
  id: string;
  receipt: string;
  correlationId: string;
  replyTo: string;
  body: string;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('request-reply across two nodes on one PostgreSQL', () => {
  let pg: SharedPostgres;
  const nodes = clusterOnPostgres();
  const node = nodes.node;
  afterEach(() => nodes.close());

  async function cluster() {
    pg = await nodes.open();
    const one = await node('node-1');
    const two = await node('node-2');
    expect((await call(one.url, 'PUT', '/v1/exchanges/rpc', { type: 'direct' })).status).toBe(201);
    expect((await call(one.url, 'PUT', '/v1/queues/rpc.requests', {})).status).toBe(201);
    expect((await call(one.url, 'POST', '/v1/bindings', { exchange: 'rpc', queue: 'rpc.requests', key: 'quote' })).status).toBe(201);
    await waitFor(async () => (await call(two.url, 'GET', '/v1/queues/rpc.requests')).status === 200);
    return { one, two };
  }

  const receiveOn = (url: string) =>
    waitFor(async () => (await call(url, 'POST', '/v1/queues/rpc.requests/receive', { waitMs: 200 })).body.messages[0] as Received | undefined, 5000);

  it('a stopped node answers its waiting call 503 at once; the late reply through another node is 404 saying that node is not running', async () => {
    const { one, two } = await cluster();
    const started = Date.now();
    const waiting = call(two.url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=8000', 'price?', { 'content-type': 'text/plain' });
    const request = await receiveOn(one.url);
    expect(request.replyTo).toBe('amq.reply.node-2');
    const stopping = two.stop(); // SIGTERM to node-2
    const answer = await Promise.race([waiting, sleep(6000).then(() => 'pending' as const)]);
    expect(answer).toMatchObject({
      status: 503,
      body: { error: { code: 'shutting_down', details: { published: true, messageId: request.id, correlationId: request.correlationId } } },
    });
    expect(Date.now() - started).toBeLessThan(4000);
    await stopping;

    // node-1 learns that the reply queue is gone; the responder's reply through it is refused, saying why.
    await waitFor(async () => (await call(one.url, 'GET', '/v1/queues/amq.reply.node-2')).status === 404);
    const late = await call(one.url, 'POST', '/v1/queues/amq.reply.node-2/messages', 'price: 3', { 'hatoba-correlation-id': request.correlationId });
    expect(late.status).toBe(404);
    expect(late.body.error).toMatchObject({ code: 'queue_not_found', details: { queue: 'amq.reply.node-2' } });
    expect(late.body.error.message).toContain('reply queue of a node that is not running');
  });

  it('two concurrent calls with one Idempotency-Key through two nodes: one 200, the other 409 duplicate_request at once', async () => {
    const { one, two } = await cluster();
    let answered = 0;
    const responder = (async () => {
      const r = await receiveOn(one.url);
      answered++;
      const sent = await call(one.url, 'POST', `/v1/queues/${r.replyTo}/messages`, `answer to ${r.body}`, { 'hatoba-correlation-id': r.correlationId });
      expect(sent.status).toBe(201);
      await call(one.url, 'POST', '/v1/queues/rpc.requests/ack', { receipts: [r.receipt] });
    })();
    const started = Date.now();
    const answers = await Promise.all(
      [one, two].map((n) => call(n.url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=20000', 'price?', { 'idempotency-key': 'quote-42' })),
    );
    await responder;
    expect(Date.now() - started).toBeLessThan(8000);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const ok = answers.find((a) => a.status === 200)!;
    const refused = answers.find((a) => a.status === 409)!;
    expect(ok.body).toBe('answer to price?');
    expect(refused.body.error).toMatchObject({
      code: 'duplicate_request',
      details: { correlationId: ok.headers.get('hatoba-correlation-id'), idempotencyKey: 'quote-42' },
    });
    expect(answered).toBe(1);
    expect((await call(two.url, 'POST', '/v1/queues/rpc.requests/receive', { max: 10 })).body.messages).toEqual([]);
  });
});
