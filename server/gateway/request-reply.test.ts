import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { killHard, spawnServer, type ServerProcess } from '../../test/process';
import { call, startTestServer, type TestServer } from '../../test/server';

type Answer = Awaited<ReturnType<typeof call>>;

/** The HTTP answer and when it came; 'no answer' when the connection closed without one, 'pending' after `withinMs`. */
async function timed(p: Promise<Answer>, withinMs: number) {
  const started = Date.now();
  const outcome = await Promise.race([p.catch((e: Error) => `no answer: ${e.message}` as const), sleep(withinMs).then(() => 'pending' as const)]);
  return { outcome, ms: Date.now() - started };
}

async function rpcTopology(url: string) {
  expect((await call(url, 'PUT', '/v1/exchanges/rpc', { type: 'direct' })).status).toBe(201);
  expect((await call(url, 'PUT', '/v1/queues/rpc.requests', {})).status).toBe(201);
  expect((await call(url, 'POST', '/v1/bindings', { exchange: 'rpc', queue: 'rpc.requests', key: 'quote' })).status).toBe(201);
}

/** The next request waiting in rpc.requests, as a responder receives it. */
async function receiveRequest(url: string) {
  return waitFor(async () => (await call(url, 'POST', '/v1/queues/rpc.requests/receive', { waitMs: 200 })).body.messages[0], 5000);
}

describe.each(drivers)('request-reply outcomes over HTTP on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
    await rpcTopology(s.url);
  });
  afterAll(async () => s.close());

  it('a retry after 504 with the same Idempotency-Key is answered 409 duplicate_request at once, naming the first request', async () => {
    const first = await call(s.url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=300', 'q', { 'idempotency-key': 'http-quote-1' });
    expect(first.status).toBe(504);
    const { correlationId, messageId } = first.body.error.details;
    expect(messageId).toEqual(expect.any(String));
    const retry = await timed(call(s.url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=10000', 'q', { 'idempotency-key': 'http-quote-1' }), 5000);
    expect(retry.outcome).toMatchObject({
      status: 409,
      body: { error: { code: 'duplicate_request', details: { messageId, correlationId, idempotencyKey: 'http-quote-1' } } },
    });
    expect(retry.ms).toBeLessThan(2000);
    const queued = await call(s.url, 'POST', '/v1/queues/rpc.requests/receive', { max: 10 });
    expect(queued.body.messages.map((m: { id: string }) => m.id)).toEqual([messageId]);
    await call(s.url, 'POST', '/v1/queues/rpc.requests/ack', { receipts: queued.body.messages.map((m: { receipt: string }) => m.receipt) });
  });

  it("a reply sent to a node's reply queue that is not there is 404 queue_not_found saying the node is not running", async () => {
    const late = await call(s.url, 'POST', '/v1/queues/amq.reply.stopped-node/messages', 'late', { 'hatoba-correlation-id': 'c-1' });
    expect(late.status).toBe(404);
    expect(late.body.error).toMatchObject({ code: 'queue_not_found', details: { queue: 'amq.reply.stopped-node' } });
    expect(late.body.error.message).toContain('reply queue of a node that is not running');
    // Any other missing queue keeps the plain answer.
    expect((await call(s.url, 'POST', '/v1/queues/nope/messages', 'x')).body.error.message).toBe("Queue 'nope' does not exist");
  });

  it('the OpenAPI document lists 409 and 503 for request-reply', async () => {
    const doc = (await call(s.url, 'GET', '/v1/openapi.json')).body;
    const op = doc.paths['/v1/exchanges/{exchange}/request'].post;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '503', '504']));
    expect(op.summary).toContain('duplicate_request');
  });
});

describe.each(drivers)('stopping a node while a request-reply call waits, on %s', (driver) => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('answers the call at once with 503 shutting_down naming the published request', async () => {
    s = await startTestServer(driver);
    await rpcTopology(s.url);
    const waiting = call(s.url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=30000', 'slow', { 'content-type': 'text/plain' });
    const request = await receiveRequest(s.url);
    const closing = s.close(); // what SIGTERM runs
    s = undefined;
    const { outcome, ms } = await timed(waiting, 8000);
    expect(outcome).toMatchObject({
      status: 503,
      body: { error: { code: 'shutting_down', details: { published: true, messageId: request.id, correlationId: request.correlationId } } },
    });
    expect(ms).toBeLessThan(3000);
    await closing;
  });
});

describe('a server process stopped by SIGTERM while a request-reply call waits (PGlite)', () => {
  let p: ServerProcess | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    if (p) await killHard(p);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers the call 503 shutting_down and exits; 504 and 503 are logged at debug without a stack, never as errors', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hatoba-rr-'));
    p = await spawnServer({ HATOBA_DATA_DIR: dir, HATOBA_LOG_LEVEL: 'debug', HATOBA_NODE_ID: 'node-2' });
    const url = p.url;
    await rpcTopology(url);
    expect((await call(url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=200', 'nobody')).status).toBe(504);
    await call(url, 'POST', '/v1/queues/rpc.requests/ack', { receipts: [(await receiveRequest(url)).receipt] });

    const waiting = call(url, 'POST', '/v1/exchanges/rpc/request?key=quote&timeoutMs=30000', 'slow');
    const request = await receiveRequest(url);
    p.child.kill('SIGTERM');
    const { outcome, ms } = await timed(waiting, 12_000);
    expect(outcome).toMatchObject({ status: 503, body: { error: { code: 'shutting_down', details: { published: true, correlationId: request.correlationId } } } });
    expect(ms).toBeLessThan(3000);
    expect(await Promise.race([p.exited, sleep(10_000).then(() => 'still running')])).toBe(0);

    const lines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; code?: string; err?: unknown; details?: Record<string, unknown> });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const answered = lines.filter((l) => l.msg === 'request answered with an error');
    expect(answered.find((l) => l.code === 'reply_timeout')).toMatchObject({ level: 20, details: { timeoutMs: 200 } });
    expect(answered.find((l) => l.code === 'shutting_down')).toMatchObject({ level: 20, details: { correlationId: request.correlationId } });
    for (const l of answered) expect(l).not.toHaveProperty('err');
  });
});
