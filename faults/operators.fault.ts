import { describe, expect, it } from 'vitest';
import { call } from '../test/server';
import { figure, type FleetNode, twoNodesOnOneDatabase } from './harness';

interface Delivered {
  id: string;
  receipt: string;
}

async function drainAll(node: FleetNode, queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const got = await call(node.url, 'POST', `/v1/queues/${queue}/receive`, { max: 500, visibilityMs: 30_000 });
    const messages = got.body.messages as Delivered[];
    if (messages.length === 0) return ids;
    ids.push(...messages.map((m) => m.id));
    await call(node.url, 'POST', `/v1/queues/${queue}/ack`, { receipts: messages.map((m) => m.receipt) });
  }
}

/** (7), (8): the same operation through two nodes at once. */
describe.skipIf(!process.env.TEST_DATABASE_URL)('faults 7–8: concurrent operators and publishers', () => {
  const nodes = twoNodesOnOneDatabase();

  it('(7) two operators replay the same dead letters at once, through two nodes: each message moves exactly once', async () => {
    const { a, b } = nodes;
    const N = 200;
    expect((await call(a.url, 'PUT', '/v1/queues/orders', {})).status).toBe(201);
    const rounds: { name: string; bodies: (ids: string[]) => [unknown, unknown] }[] = [
      { name: 'all + all', bodies: () => [{ all: true }, { all: true }] },
      { name: 'ids + ids', bodies: (ids) => [{ ids }, { ids }] },
      { name: 'all + ids', bodies: (ids) => [{ all: true }, { ids }] },
    ];
    const results: string[] = [];
    for (const round of rounds) {
      const batch = await call(a.url, 'POST', '/v1/exchanges/amq.default/messages:batch', {
        messages: Array.from({ length: N }, (_, i) => ({ routingKey: 'orders', body: `${round.name} ${i}` })),
      });
      expect(batch.status).toBe(201);
      const ids = batch.body.results.map((r: { id: string }) => r.id) as string[];
      // Every one fails for good: into orders.dlq.
      const leased = (await call(a.url, 'POST', '/v1/queues/orders/receive', { max: N })).body.messages as Delivered[];
      expect(leased).toHaveLength(N);
      await call(a.url, 'POST', '/v1/queues/orders/nack', { receipts: leased.map((m) => m.receipt), requeue: false, error: 'bad' });
      expect((await call(a.url, 'GET', '/v1/queues/orders.dlq')).body.ready).toBe(N);

      const [x, y] = round.bodies(ids);
      const [ra, rb] = await Promise.all([call(a.url, 'POST', '/v1/queues/orders.dlq/replay', x), call(b.url, 'POST', '/v1/queues/orders.dlq/replay', y)]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(ra.body.replayed + rb.body.replayed).toBe(N);
      const moved = await drainAll(a, 'orders');
      expect(moved.sort()).toEqual([...ids].sort());
      expect((await call(a.url, 'GET', '/v1/queues/orders.dlq')).body.ready).toBe(0);
      results.push(`${round.name}: ${ra.body.replayed} + ${rb.body.replayed}`);
    }
    figure('7 concurrent replays', `${N} dead letters per round, replayed by two operators through two nodes at once (${results.join('; ')}); each moved once, none left behind`);
  });

  it('(8) one idempotency key published concurrently through two nodes: stored once, both answered with the same id', async () => {
    const { a, b } = nodes;
    const KEYS = 100;
    expect((await call(a.url, 'PUT', '/v1/queues/idem', {})).status).toBe(201);
    let duplicateAnswers = 0;
    const ids = new Set<string>();
    for (let start = 0; start < KEYS; start += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const key = `order-${start + j}`;
          const send = (node: FleetNode) => call(node.url, 'POST', '/v1/queues/idem/messages', `payload ${key}`, { 'idempotency-key': key });
          const [ra, rb] = await Promise.all([send(a), send(b)]);
          expect([ra.status, rb.status]).toEqual([201, 201]);
          expect(ra.body.id).toBe(rb.body.id);
          expect([ra.body.duplicate, rb.body.duplicate].filter(Boolean)).toHaveLength(1);
          duplicateAnswers++;
          ids.add(ra.body.id);
        }),
      );
    }
    const stored = await drainAll(b, 'idem');
    expect(stored).toHaveLength(KEYS);
    expect(new Set(stored)).toEqual(ids);
    const [row] = await nodes.pg.admin.unsafe(`SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[])`, [[...ids]]);
    expect(row!.n).toBe(KEYS);
    figure('8 idempotency across nodes', `${KEYS} keys, each published through two nodes at once: ${KEYS} stored, ${KEYS} queue entries, both answers carried the same id (${duplicateAnswers} marked duplicate)`);
  });
});
