import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { createBroker, type Broker } from '../broker';
import { TOPOLOGY_CHANNEL } from '../broker/topology';
import { drivers, openTestDb } from '../../test/databases';
import { sleep, str } from '../../test/broker';
import { parseAllowList } from './address-guard';
import { createPush, PUSH_CHANNEL, type Push } from './push';

/**
 * Push on several nodes sharing one database, as a cluster runs it: each node a broker and its
 * push loops, in this process. The receiver listens on 127.0.0.1 only; it answers 200, or 410
 * after 300 ms on paths ending in /slow-gone, and never on paths ending in /hang.
 */
async function startReceiver() {
  const hits: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (path.endsWith('/slow-gone')) setTimeout(() => res.writeHead(410).end(), 300);
      else if (path.endsWith('/hang')) return; // never answers
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits: (path?: string) => hits.filter((h) => path === undefined || h.path === path),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const quiet = { info() {}, warn() {}, error() {} };

/** The same database, except that NOTIFYs on the push and topology channels never arrive (as while a listening connection is down). */
const deaf = (db: Db): Db => ({
  ...db,
  async listen(channel, onPayload, onReconnect) {
    if (channel === PUSH_CHANNEL || channel === TOPOLOGY_CHANNEL) return async () => {};
    return db.listen(channel, onPayload, onReconnect);
  },
});

async function until<T>(what: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(25);
  }
}

/**
 * The same database, except that the push loop's endpoint check (asked after every claim) takes
 * `ms` longer, `times` times once armed: a database slow to answer between a claim and its send.
 */
function slowChecks(db: Db, ms: number, times = 1) {
  let armed = false;
  let left = times;
  const wrapped: Db = {
    ...db,
    async query(text, params) {
      if (armed && left > 0 && text.includes('xmin::text = $2')) {
        left--;
        await sleep(ms);
      }
      return db.query(text, params);
    },
  };
  return { db: wrapped, arm: () => (armed = true) };
}

describe.each(drivers)('push on two nodes sharing one database on %s', (driver) => {
  let db: Db;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    db = await openTestDb(driver);
    receiver = await startReceiver();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await db.close();
    await receiver.close();
  });

  /**
   * A node: its broker, and its push loops. Long polls re-check only when woken (recheckMs), so
   * a node notices a queue gone only if it is gone when a publish wakes it, as in a delete and
   * re-create that land between two of its checks.
   */
  async function node(id: string, o: { pushDb?: Db; pushBroker?: (b: Broker) => Broker } = {}): Promise<{ broker: Broker; push: Push }> {
    const broker = createBroker({ db, node: id, sweepIntervalMs: 100, recheckMs: 60_000 });
    await broker.start();
    const push = createPush({ db: o.pushDb ?? db, broker: o.pushBroker?.(broker) ?? broker, node: id, logger: quiet, target: { allow: parseAllowList('127.0.0.1') }, userAgent: 'test' });
    await push.start();
    stops.push(async () => {
      await push.stop();
      await broker.stop();
    });
    return { broker, push };
  }

  /** Node `a`, queue `pd` pushed to `path` declared there, then node `b` (which finds the endpoint as it starts); both loops running. */
  async function pushedOnBoth(path: string, b: { pushDb?: Db } = {}) {
    const a = await node('a');
    await a.broker.declareQueue('pd', {});
    await a.push.declare('pd', { url: receiver.url(path), concurrency: 4, timeoutMs: 2000 });
    const other = await node('b', b);
    expect(await until(() => a.push.running('pd') && other.push.running('pd'), (r) => r, 3000)).toBe(true);
    await sleep(200); // both loops are in their long polls
    return { a, b: other };
  }

  /** Deletes `pd` on `a` and declares it again at once; then waits until `b`'s topology has it again (it never saw it missing). */
  async function deleteAndRecreate(a: { broker: Broker }, b: { broker: Broker }) {
    await a.broker.deleteQueue('pd');
    await a.broker.declareQueue('pd', {});
    await sleep(300); // every notification of both changes has reached b
    await b.broker.queueInfo('pd');
  }

  async function publish(broker: Broker, n: number) {
    for (let i = 0; i < n; i++) {
      await broker.publish({ exchange: 'amq.default', routingKey: 'pd', body: new TextEncoder().encode(`m${i}`), contentType: 'text/plain', headers: {} });
    }
  }

  /** Everything in `pd`, leased by a pull consumer: nothing was pushed, and no attempt was spent on it. */
  async function pullAll(broker: Broker) {
    const got = await broker.receive('pd', { max: 100, waitMs: 0 });
    return got.map((d) => ({ body: str(d.body), attempt: d.attempt }));
  }

  it("a queue deleted and re-created on one node stops every node's loop; nothing is pushed after", async () => {
    const { a, b } = await pushedOnBoth('/pd/ok');
    await deleteAndRecreate(a, b);
    // every node stops its loop, without waiting for a message to arrive
    expect(await until(() => a.push.running('pd') || b.push.running('pd'), (r) => !r, 3000)).toBe(false);
    expect(await a.push.find('pd')).toBeNull();

    await publish(b.broker, 6);
    await sleep(500);
    expect(receiver.hits()).toHaveLength(0);
    const pulled = await pullAll(a.broker);
    expect(pulled).toHaveLength(6);
    expect(pulled.every((m) => m.attempt === 1)).toBe(true);
  });

  it('a node that missed every notification checks its endpoint at each claim: it gives the leases back and stops', async () => {
    const { a, b } = await pushedOnBoth('/pd/ok', { pushDb: deaf(db) });
    await deleteAndRecreate(a, b);
    expect(b.push.running('pd')).toBe(true); // it cannot know yet

    await publish(b.broker, 6);
    expect(await until(() => b.push.running('pd'), (r) => !r, 3000)).toBe(false);
    await sleep(300);
    expect(receiver.hits()).toHaveLength(0);
    const pulled = await pullAll(a.broker);
    expect(pulled.map((m) => m.body).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(pulled.every((m) => m.attempt === 1)).toBe(true); // the leases b took were given back, attempt and all
  });

  it('a node that missed the change of a replaced endpoint pushes only to the new one', async () => {
    const { a, b } = await pushedOnBoth('/pd/old', { pushDb: deaf(db) });
    await deleteAndRecreate(a, b);
    await a.push.declare('pd', { url: receiver.url('/pd/new'), concurrency: 4, timeoutMs: 2000 });

    await publish(b.broker, 6);
    await until(() => receiver.hits('/pd/new'), (h) => h.length >= 6);
    expect(receiver.hits('/pd/old')).toHaveLength(0);
    expect(new Set(receiver.hits('/pd/new').map((h) => h.body))).toEqual(new Set(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']));
    expect(receiver.hits('/pd/new').every((h) => h.headers['hatoba-attempt'] === '1')).toBe(true);
    // b's loop found out at its claim, and now runs for the new endpoint
    expect(await until(() => b.push.running('pd'), (r) => r, 3000)).toBe(true);
  });

  it('a 410 from an endpoint replaced while the request was in flight disables only the old one', async () => {
    const a = await node('a');
    await a.broker.declareQueue('pd', {});
    await a.push.declare('pd', { url: receiver.url('/pd/slow-gone'), concurrency: 4, timeoutMs: 2000 });
    await publish(a.broker, 1);
    await until(() => receiver.hits('/pd/slow-gone'), (h) => h.length >= 1);
    await a.push.declare('pd', { url: receiver.url('/pd/ok'), concurrency: 4, timeoutMs: 2000 }); // while the 410 is on its way
    const [hit] = await until(() => receiver.hits('/pd/ok'), (h) => h.length >= 1);
    expect(hit).toMatchObject({ body: 'm0', headers: { 'hatoba-attempt': '1' } });
    expect(await a.push.get('pd')).toMatchObject({ url: receiver.url('/pd/ok'), status: 'active', disabledReason: null });
    expect(a.push.running('pd')).toBe(true);
  });

  it('after a 410 the node reports its loop running until the lease is given back: running false means the message waits in the queue', async () => {
    let releasing = 0;
    // The broker as the push loop sees it, slow to give leases back.
    const slowRelease = (b: Broker): Broker =>
      Object.assign(Object.create(b) as Broker, {
        release: async (queue: string, receipts: string[]) => {
          releasing++;
          await sleep(600);
          return b.release(queue, receipts);
        },
      });
    const a = await node('a', { pushBroker: slowRelease });
    await a.broker.declareQueue('pd', { maxDeliveries: 1 });
    await a.push.declare('pd', { url: receiver.url('/pd/slow-gone'), concurrency: 1, timeoutMs: 2000 });
    await publish(a.broker, 1);
    await until(() => receiver.hits('/pd/slow-gone'), (h) => h.length >= 1);
    await until(() => a.push.get('pd'), (e) => e.status === 'disabled');
    expect(await until(() => a.push.running('pd'), (r) => !r, 3000)).toBe(false);
    expect(releasing).toBe(1);
    expect(await a.broker.queueInfo('pd')).toMatchObject({ ready: 1, inFlight: 0 });
  });

  it('a claim whose lease ran out before it was sent (its endpoint check was slow) is not pushed: the node that took it over pushes it, once', async () => {
    const slow = slowChecks(db, 6500);
    const a = await node('a', { pushDb: slow.db });
    await a.broker.declareQueue('pd', {});
    // The push lease is timeoutMs + 5 s: 5.2 s here.
    await a.push.declare('pd', { url: receiver.url('/pd/ok'), concurrency: 4, timeoutMs: 200 });
    expect(await until(() => a.push.running('pd'), (r) => r, 3000)).toBe(true);
    await sleep(200); // in its long poll
    slow.arm();
    await publish(a.broker, 1); // a claims it, then waits 6.5 s for its endpoint check
    await sleep(1000);
    const b = await node('b'); // b's loop takes the message over when a's lease runs out, and pushes it
    const [hit] = await until(() => receiver.hits('/pd/ok'), (h) => h.length >= 1, 9000);
    expect(hit).toMatchObject({ body: 'm0', headers: { 'hatoba-attempt': '2' } });
    expect(await until(() => b.broker.queueInfo('pd'), (q) => q.inFlight + q.ready === 0, 3000)).toMatchObject({ ready: 0, inFlight: 0 });
    await sleep(2000); // a's check has answered
    // a's lease is gone and the message acked: a must not push it again.
    expect(receiver.hits().map((h) => h.headers['hatoba-attempt'])).toEqual(['2']);
  });

  it('replacing or deleting an endpoint answers at once while a request to the old one hangs; the new one gets the message when the old request times out', async () => {
    const a = await node('a');
    await a.broker.declareQueue('pd', { retry: { initialDelayMs: 100, maxDelayMs: 100, multiplier: 1, jitter: 0 } });
    await a.push.declare('pd', { url: receiver.url('/pd/hang'), concurrency: 1, timeoutMs: 4000 });
    await publish(a.broker, 1);
    await until(() => receiver.hits('/pd/hang'), (h) => h.length >= 1);
    let began = performance.now();
    await a.push.declare('pd', { url: receiver.url('/pd/ok'), concurrency: 1, timeoutMs: 4000 });
    expect(performance.now() - began).toBeLessThan(2500); // not the 4 s the old request has left
    expect(await a.push.get('pd')).toMatchObject({ url: receiver.url('/pd/ok'), status: 'active' });
    // The old request times out (nacked); the new endpoint's loop, started once it ended, pushes the retry.
    const [hit] = await until(() => receiver.hits('/pd/ok'), (h) => h.length >= 1, 8000);
    expect(hit).toMatchObject({ body: 'm0', headers: { 'hatoba-attempt': '2' } });
    expect(await until(() => a.push.running('pd'), (r) => r, 3000)).toBe(true);

    await a.push.declare('pd', { url: receiver.url('/pd/hang'), concurrency: 1, timeoutMs: 4000 });
    await publish(a.broker, 1);
    await until(() => receiver.hits('/pd/hang'), (h) => h.length >= 2);
    began = performance.now();
    await a.push.remove('pd');
    expect(performance.now() - began).toBeLessThan(2500);
    expect(await a.push.find('pd')).toBeNull();
  });
});
