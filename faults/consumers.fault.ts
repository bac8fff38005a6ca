import { describe, expect, it } from 'vitest';
import { call } from '../test/server';
import { figure, sleep, type FleetNode, twoNodesOnOneDatabase } from './harness';

interface Delivered {
  id: string;
  body: string;
  receipt: string;
  attempt: number;
}

const receive = async (node: FleetNode, queue: string, body: Record<string, unknown>): Promise<Delivered[]> => {
  const r = await call(node.url, 'POST', `/v1/queues/${queue}/receive`, body);
  expect(r.status).toBe(200);
  return r.body.messages;
};

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

/** (3), (4), (5): consumers that stall, fail, or lag, on two nodes sharing one database. */
describe.skipIf(!process.env.TEST_DATABASE_URL)('faults 3–5: consumers', () => {
  const nodes = twoNodesOnOneDatabase();

  it('(3) a consumer stalled past its lease: its ack is refused as stale, each message was redelivered exactly once', async () => {
    const { a, b } = nodes;
    const N = 20;
    expect((await call(a.url, 'PUT', '/v1/queues/lease', {})).status).toBe(201);
    for (let i = 0; i < N; i++) expect((await call(a.url, 'POST', '/v1/queues/lease/messages', `m${i}`)).status).toBe(201);

    const first = await receive(a, 'lease', { max: N, visibilityMs: 500 });
    expect(first).toHaveLength(N);
    await sleep(1200); // the consumer stalls: its leases expire
    const second = await receive(b, 'lease', { max: N, waitMs: 2000, visibilityMs: 30_000 });
    expect(second.map((m) => m.id).sort()).toEqual(first.map((m) => m.id).sort());
    expect(new Set(second.map((m) => m.attempt))).toEqual(new Set([2]));

    const late = await call(a.url, 'POST', '/v1/queues/lease/ack', { receipts: first.map((m) => m.receipt) });
    expect(late.body).toEqual({ acked: 0, stale: first.map((m) => m.receipt) });
    const current = await call(b.url, 'POST', '/v1/queues/lease/ack', { receipts: second.map((m) => m.receipt) });
    expect(current.body).toEqual({ acked: N, stale: [] });
    await sleep(600);
    expect(await receive(a, 'lease', { max: N, waitMs: 500 })).toEqual([]);
    figure('3 stalled consumer', `${N} leases of 500 ms expired: stale acks refused ${late.body.stale.length}/${N}, redelivered once each (attempt 2), acked once, none delivered a third time`);
  });

  it('(4) a poison message nacked every time is dead-lettered after exactly maxDeliveries; the others are not held up', async () => {
    const { a, b } = nodes;
    const MAX = 3;
    const N = 50;
    expect((await call(a.url, 'PUT', '/v1/queues/poison', { maxDeliveries: MAX, retry: { initialDelayMs: 100, jitter: 0 } })).status).toBe(201);
    const t0 = Date.now();
    const poison = (await call(a.url, 'POST', '/v1/queues/poison/messages', 'poison')).body.id as string;
    for (let i = 0; i < N; i++) await call(b.url, 'POST', '/v1/queues/poison/messages', `ok${i}`);

    let poisonDeliveries = 0;
    const okAcked = new Map<string, number>();
    let lastOkAt = 0;
    let deadAt = 0;
    const consumer = async (node: FleetNode) => {
      while (Date.now() - t0 < 20_000 && !(deadAt && okAcked.size === N)) {
        const got = await receive(node, 'poison', { max: 10, waitMs: 300, visibilityMs: 5000 });
        for (const m of got) {
          if (m.id === poison) {
            poisonDeliveries++;
            await call(node.url, 'POST', '/v1/queues/poison/nack', { receipts: [m.receipt], error: 'cannot parse' });
          } else {
            const r = await call(node.url, 'POST', '/v1/queues/poison/ack', { receipts: [m.receipt] });
            if (r.body.acked === 1) okAcked.set(m.id, (okAcked.get(m.id) ?? 0) + 1);
            lastOkAt = Date.now();
          }
        }
        if (!deadAt) {
          const dlq = await call(node.url, 'GET', '/v1/queues/poison.dlq');
          if (dlq.body.ready === 1) deadAt = Date.now();
        }
      }
    };
    await Promise.all([consumer(a), consumer(b)]);
    const dead = await receive(a, 'poison.dlq', { max: 10, visibilityMs: 1000 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ id: poison, death: { reason: 'max_deliveries', attempts: MAX, lastError: 'cannot parse' } });
    expect(poisonDeliveries).toBe(MAX);
    expect(okAcked.size).toBe(N);
    expect([...okAcked.values()].every((n) => n === 1)).toBe(true);
    figure(
      '4 poison message',
      `dead-lettered after ${poisonDeliveries} deliveries (maxDeliveries ${MAX}) at ${deadAt - t0} ms; the ${N} others acked once each, the last at ${lastOkAt - t0} ms`,
    );
  });

  it("(5) a slow and a fast consumer on one exchange: the fast one's latency does not grow with the slow one's backlog", async () => {
    const { a, b } = nodes;
    expect((await call(a.url, 'PUT', '/v1/exchanges/events', { type: 'fanout' })).status).toBe(201);
    for (const q of ['fast', 'slow']) {
      expect((await call(a.url, 'PUT', `/v1/queues/${q}`, {})).status).toBe(201);
      expect((await call(a.url, 'POST', '/v1/bindings', { exchange: 'events', queue: q, key: '' })).status).toBe(201);
    }
    const RUN_MS = 8000;
    const t0 = Date.now();
    let running = true;
    const latencies: { at: number; ms: number }[] = [];
    const publisher = async (node: FleetNode) => {
      while (running) {
        await call(node.url, 'POST', '/v1/exchanges/events/messages', String(Date.now()), { 'content-type': 'text/plain' });
        await sleep(15);
      }
    };
    const fast = async () => {
      while (running) {
        const got = await receive(b, 'fast', { max: 100, waitMs: 500 });
        const now = Date.now();
        for (const m of got) latencies.push({ at: now - t0, ms: now - Number(m.body) });
        if (got.length) await call(b.url, 'POST', '/v1/queues/fast/ack', { receipts: got.map((m) => m.receipt) });
      }
    };
    let slowDone = 0;
    const slow = async () => {
      while (running) {
        const got = await receive(a, 'slow', { max: 1, waitMs: 500 });
        await sleep(100); // 10 messages a second at most
        if (got.length) await call(a.url, 'POST', '/v1/queues/slow/ack', { receipts: got.map((m) => m.receipt) });
        slowDone += got.length;
      }
    };
    const work = [publisher(a), publisher(b), fast(), slow()];
    await sleep(RUN_MS);
    running = false;
    await Promise.all(work);
    const backlog = (await call(a.url, 'GET', '/v1/queues/slow')).body.ready as number;
    const early = latencies.filter((l) => l.at < 2000).map((l) => l.ms);
    const lateWindow = latencies.filter((l) => l.at >= RUN_MS - 2000).map((l) => l.ms);
    figure(
      '5 slow and fast consumers',
      `${latencies.length} fast deliveries; fast latency p50/p99 ${quantile(early, 0.5)}/${quantile(early, 0.99)} ms in the first 2 s, ` +
        `${quantile(lateWindow, 0.5)}/${quantile(lateWindow, 0.99)} ms in the last 2 s, while the slow queue's backlog grew to ${backlog} (${slowDone} consumed)`,
    );
    expect(backlog).toBeGreaterThan(200);
    expect(early.length).toBeGreaterThan(50);
    expect(lateWindow.length).toBeGreaterThan(50);
    expect(quantile(lateWindow, 0.99)).toBeLessThan(Math.max(3 * quantile(early, 0.99), quantile(early, 0.99) + 150));
  });
});
