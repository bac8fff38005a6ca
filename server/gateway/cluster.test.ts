import { afterEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';
import { clusterOnPostgres } from '../../test/cluster-nodes';
import type { SharedPostgres } from '../../test/shared-postgres';

describe.each(drivers)('nodes and quorum over HTTP on %s (one node)', (driver) => {
  let s: TestServer;
  afterEach(async () => s.close());

  it('GET /v1/nodes lists this node, alive and leader; /readyz reports the quorum check', async () => {
    s = await startTestServer(driver, { HATOBA_NODE_ID: 'node-1' });
    const { status, body } = await call(s.url, 'GET', '/v1/nodes');
    expect(status).toBe(200);
    expect(body.nodes).toEqual([
      {
        id: 'node-1',
        url: s.url,
        role: 'leader',
        status: 'alive',
        startedAt: expect.any(String),
        lastHeartbeatAt: expect.any(String),
        load: { publishRate: 0, deliverRate: 0, ackRate: 0, consumers: 0 },
      },
    ]);
    const ready = await call(s.url, 'GET', '/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: true, migrations: true, quorum: true } } });
  });

  it('below HATOBA_MIN_NODES: /readyz 503 with the reason, publishes 503 quorum_lost, consuming still works', async () => {
    s = await startTestServer(driver, { HATOBA_MIN_NODES: '2' });
    expect((await call(s.url, 'PUT', '/v1/queues/work', {})).status).toBe(201);
    const ready = await call(s.url, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', checks: { quorum: false }, reason: 'quorum lost: 1 of the 2 nodes required are alive' });
    const published = await call(s.url, 'POST', '/v1/queues/work/messages', 'hello');
    expect(published.status).toBe(503);
    expect(published.body.error).toMatchObject({ code: 'quorum_lost', details: { alive: 1, required: 2 } });
    const batch = await call(s.url, 'POST', '/v1/exchanges/amq.default/messages:batch', { messages: [{ routingKey: 'work', body: 'x' }] });
    expect(batch.body.error.code).toBe('quorum_lost');
    expect((await call(s.url, 'POST', '/v1/queues/work/receive', { max: 1 })).status).toBe(200);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two nodes on one PostgreSQL over HTTP', () => {
  let pg: SharedPostgres;
  const nodes = clusterOnPostgres();
  const node = nodes.node;
  afterEach(() => nodes.close());

  it('both list each other, one leader; quorum of 2 holds while both live and is lost when one stops', async () => {
    pg = await nodes.open();
    const a = await node('a', { HATOBA_MIN_NODES: '2' });
    const b = await node('b', { HATOBA_MIN_NODES: '2' });
    await a.hatoba.cluster.tick();
    expect((await call(a.url, 'GET', '/readyz')).status).toBe(200);
    const { body } = await call(b.url, 'GET', '/v1/nodes');
    expect(body.nodes.map((n: { id: string; status: string }) => [n.id, n.status])).toEqual([
      ['a', 'alive'],
      ['b', 'alive'],
    ]);
    expect(body.nodes.filter((n: { role: string }) => n.role === 'leader')).toHaveLength(1);
    expect((await call(a.url, 'PUT', '/v1/queues/work', {})).status).toBe(201);
    expect((await call(a.url, 'POST', '/v1/queues/work/messages', 'one')).status).toBe(201);

    await b.stop();
    await a.hatoba.cluster.tick();
    const refused = await call(a.url, 'POST', '/v1/queues/work/messages', 'two');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('quorum_lost');
    expect((await call(a.url, 'GET', '/readyz')).body.reason).toBe('quorum lost: 1 of the 2 nodes required are alive');
    const view = (await call(a.url, 'GET', '/v1/nodes')).body.nodes;
    expect(view).toEqual([expect.objectContaining({ id: 'a', status: 'alive', role: 'leader' }), expect.objectContaining({ id: 'b', status: 'dead', role: 'member' })]);
  });

  it('consumers and rates count the whole cluster: a name seen on two nodes once, rates added up', async () => {
    pg = await nodes.open();
    const a = await node('a');
    const b = await node('b');
    expect((await call(a.url, 'PUT', '/v1/queues/work', {})).status).toBe(201);
    for (const [n, at] of [[3, a], [2, b]] as const) {
      for (let i = 0; i < n; i++) expect((await call(at.url, 'POST', '/v1/queues/work/messages', `m${i}`)).status).toBe(201);
    }
    const received: number[] = [];
    for (const [at, name] of [[a, 'worker-1'], [b, 'worker-1'], [b, 'worker-2']] as const) {
      const r = await call(at.url, 'POST', '/v1/queues/work/receive', { max: 2, waitMs: 0 }, { 'hatoba-consumer': name });
      expect(r.status).toBe(200);
      received.push(r.body.messages.length);
    }
    expect(received.reduce((x, y) => x + y)).toBe(5);
    await new Promise((r) => setTimeout(r, 1100)); // rates leave out the current second
    await Promise.all([a.hatoba.cluster.tick(), b.hatoba.cluster.tick()]);
    await Promise.all([a.hatoba.cluster.tick(), b.hatoba.cluster.tick()]);
    for (const at of [a, b]) {
      const { body } = await call(at.url, 'GET', '/v1/queues/work');
      // 5 published and 5 delivered over the minute: 0.05 + 0.03 or 0.07 + 0.02 per second, by node
      expect(body).toMatchObject({ consumers: 2, ackRate: 0 });
      expect(body.publishRate).toBeCloseTo(5 / 60, 1);
      expect(body.deliverRate).toBeCloseTo(5 / 60, 1);
      const exchanges = (await call(at.url, 'GET', '/v1/exchanges')).body.exchanges;
      expect(exchanges.find((e: { name: string }) => e.name === 'amq.default').publishRate).toBeCloseTo(5 / 60, 1);
    }
    // Each consumer with the nodes it received from, on any node.
    const listed = (await call(b.url, 'GET', '/v1/queues/work/consumers')).body;
    expect(listed.consumers.map((c: { name: string; nodes: string[] }) => [c.name, c.nodes])).toEqual([
      ['worker-1', ['a', 'b']],
      ['worker-2', ['b']],
    ]);
    expect(listed.consumers.map((c: { deliverRate: number }) => c.deliverRate)).toEqual([0.07, 0.02]);
    // Each node's own load, on any node.
    const loads = (await call(b.url, 'GET', '/v1/nodes')).body.nodes.map((n: { id: string; load: unknown }) => [n.id, n.load]);
    expect(loads).toEqual([
      ['a', { publishRate: 0.05, deliverRate: 0.03, ackRate: 0, consumers: 1 }],
      ['b', { publishRate: 0.03, deliverRate: 0.05, ackRate: 0, consumers: 2 }],
    ]);
    // A stopped node's figures go with it.
    await b.stop();
    await a.hatoba.cluster.tick();
    const { body } = await call(a.url, 'GET', '/v1/queues/work');
    expect(body.consumers).toBe(1);
    expect(body.publishRate).toBe(0.05);
    const after = (await call(a.url, 'GET', '/v1/nodes')).body.nodes;
    expect(after.map((n: { id: string; status: string; load: unknown }) => [n.id, n.status, n.load])).toEqual([
      ['a', 'alive', { publishRate: 0.05, deliverRate: 0.03, ackRate: 0, consumers: 1 }],
      ['b', 'dead', null],
    ]);
  });
});

