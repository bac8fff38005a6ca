import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { createBroker } from '../broker';
import type { Broker } from '../broker/api';
import { createCluster, type Cluster } from '../cluster';
import { openTestDb } from '../../test/databases';
import { sharedPostgres, type SharedPostgres } from '../../test/shared-postgres';
import { createCallerFactory } from './init';
import { appRouter } from './router';
import { silent } from '../../test/silent-logger';

const createCaller = createCallerFactory(appRouter);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The dashboard API as served by node `id`: its own broker and cluster membership. */
function callerFor(broker: Broker, cluster: Cluster | undefined, id: string, database: 'pglite' | 'postgres') {
  return createCaller({
    broker,
    runtime: { version: '0.0.0', node: id, database, cluster },
    actor: 'local',
    scopes: ['admin'],
    ip: null,
  });
}

describe('system.nodes on pglite', () => {
  let db: Db;
  let broker: Broker;
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    await broker.stop();
    await db.close();
  });

  it('lists the one node of the process from the membership table: leader, alive, this node', async () => {
    db = await openTestDb('pglite');
    broker = createBroker({ db, node: 'solo' });
    await broker.start();
    cluster = createCluster({ db, logger: silent, node: { id: 'solo', version: '0.0.0' }, heartbeatMs: 100, liveFigures: () => broker.liveFigures() });
    await cluster.start('http://127.0.0.1:3999');
    await broker.declareQueue('jobs', {});
    expect(await broker.receive('jobs', { max: 1, waitMs: 0, consumer: 'worker-1' })).toEqual([]);
    const nodes = await callerFor(broker, cluster, 'solo', 'pglite').system.nodes();
    expect(nodes).toEqual([
      {
        id: 'solo',
        url: 'http://127.0.0.1:3999',
        version: '0.0.0',
        database: 'pglite',
        role: 'leader',
        status: 'alive',
        startedAt: expect.any(String),
        lastHeartbeatAt: expect.any(String),
        // This node's own load is read now, not as of its last heartbeat.
        load: { publishRate: 0, deliverRate: 0, ackRate: 0, consumers: 1 },
        self: true,
      },
    ]);
    expect(Date.parse(nodes[0]!.lastHeartbeatAt)).toBeGreaterThanOrEqual(Date.parse(nodes[0]!.startedAt));
  });

  it('without cluster membership (a tool, a test), lists this process alone', async () => {
    db = await openTestDb('pglite');
    broker = createBroker({ db, node: 'tool' });
    await broker.start();
    cluster = undefined;
    expect(await callerFor(broker, undefined, 'tool', 'pglite').system.nodes()).toEqual([
      expect.objectContaining({ id: 'tool', role: 'leader', status: 'alive', self: true }),
    ]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('system.nodes on postgres (several nodes, one database)', () => {
  let pg: SharedPostgres;
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
    await pg.drop();
  });

  async function node(id: string) {
    const db = pg.open(3);
    const broker = createBroker({ db, node: id });
    await broker.start();
    const cluster = createCluster({ db, logger: silent, node: { id, version: '0.0.0' }, heartbeatMs: 100, deadAfterMs: 600 });
    await cluster.start(`http://127.0.0.1/${id}`);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
      await broker.stop();
      await db.close();
    };
    stops.push(stop);
    return { api: callerFor(broker, cluster, id, 'postgres'), cluster, stop };
  }

  it('every node lists the whole cluster: one leader, the others members, each page marking its own node; a stopped node shows dead', async () => {
    pg = await sharedPostgres();
    const a = await node('node-a');
    const b = await node('node-b');
    const c = await node('node-c');
    const view = async (n: { api: ReturnType<typeof callerFor> }) =>
      (await n.api.system.nodes()).map(({ id, role, status, self, database }) => ({ id, role, status, self, database }));
    const fromB = await view(b);
    expect(fromB.map((n) => n.id)).toEqual(['node-a', 'node-b', 'node-c']);
    expect(fromB.filter((n) => n.role === 'leader')).toHaveLength(1);
    expect(fromB.every((n) => n.status === 'alive' && n.database === 'postgres')).toBe(true);
    expect(fromB.filter((n) => n.self).map((n) => n.id)).toEqual(['node-b']);
    expect((await view(c)).filter((n) => n.self).map((n) => n.id)).toEqual(['node-c']);
    expect((await view(a)).map(({ self: _self, ...rest }) => rest)).toEqual(fromB.map(({ self: _self, ...rest }) => rest));

    const leader = [a, b, c].find((n) => n.cluster.isLeader())!;
    await leader.stop();
    const survivor = [a, b, c].find((n) => n !== leader)!;
    let after = await view(survivor);
    for (let i = 0; i < 100 && !after.some((n) => n.role === 'leader'); i++) {
      await sleep(50);
      after = await view(survivor);
    }
    expect(after.find((n) => n.id === leader.cluster.nodeId)).toMatchObject({ status: 'dead', role: 'member' });
    expect(after.filter((n) => n.role === 'leader')).toHaveLength(1);
  });
});
