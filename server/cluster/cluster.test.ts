import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { membersOnPostgres } from '../../test/cluster-nodes';
import { openTestDb } from '../../test/databases';
import type { SharedPostgres } from '../../test/shared-postgres';
import { createCluster, type Cluster } from './cluster';
import { LEADER_LOCK, leaderKeysHeld, nodeIdKey } from './leader';
import { nodeRegister } from './node-store';
import { until } from '../../test/until';
import { silent } from '../../test/silent-logger';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The quorum of a node that is alone where two are required. */
const aloneOfTwo = {
  ok: false,
  alive: 1,
  required: 2,
  reason: '1 of the 2 nodes required are alive',
  details: { reason: 'below_quorum', alive: 1, required: 2 },
};

describe('cluster on pglite (one process, one node)', () => {
  let db: Db;
  let cluster: Cluster;
  afterEach(async () => {
    await cluster.stop();
    await db.close();
  });

  /** The one node of an embedded database, started. */
  async function solo(options: { minNodes?: number; keepDeadMs?: number; onPruned?: (ids: string[]) => Promise<void> } = {}): Promise<void> {
    db = await openTestDb('pglite');
    cluster = createCluster({ db, logger: silent, node: { id: 'solo', version: 't' }, heartbeatMs: 100, ...options });
    await cluster.start('http://127.0.0.1:3000');
  }

  it('is the leader and its own quorum; a graceful stop marks it dead', async () => {
    await solo();
    expect(cluster.isLeader()).toBe(true);
    expect(cluster.quorum()).toEqual({ ok: true, alive: 1, required: 1 });
    const [node] = await cluster.nodes();
    expect(node).toMatchObject({ id: 'solo', url: 'http://127.0.0.1:3000', role: 'leader', status: 'alive' });
    expect(Date.parse(node!.lastHeartbeatAt)).toBeGreaterThanOrEqual(Date.parse(node!.startedAt));
    await cluster.stop();
    expect(cluster.isLeader()).toBe(false);
    expect(await cluster.nodes()).toEqual([expect.objectContaining({ id: 'solo', status: 'dead', role: 'member' })]);
  });

  it('the leader forgets nodes dead for keepDeadMs and tells onPruned their ids, once', async () => {
    const pruned: string[][] = [];
    await solo({ keepDeadMs: 60_000, onPruned: async (ids) => void pruned.push(ids) });
    await nodeRegister(db, { id: 'old-1', url: 'http://127.0.0.1:1', version: 't' });
    await db.query(`UPDATE nodes SET last_heartbeat_at = now() - interval '2 minutes' WHERE id = 'old-1'`);
    await cluster.tick();
    await cluster.tick();
    expect(pruned).toEqual([['old-1']]);
    expect((await cluster.nodes()).map((n) => n.id)).toEqual(['solo']);
  });

  it('HATOBA_MIN_NODES above 1 is never met by one node: quorum lost, with the reason', async () => {
    await solo({ minNodes: 2 });
    expect(cluster.quorum()).toEqual(aloneOfTwo);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('cluster on postgres (several nodes, one database)', () => {
  let pg: SharedPostgres;
  const members = membersOnPostgres({ heartbeatMs: 200 });
  afterEach(() => members.close());

  /** A node, started: its own pool (or `db`) and cluster membership, heartbeating fast. */
  async function node(id: string, minNodes = 1, db?: Db): Promise<Cluster> {
    const c = members.member(id, { minNodes, db });
    await c.start(`http://127.0.0.1/${id}`);
    return c;
  }

  /** Samples "who thinks it leads" and pg_locks while the test runs; never two. */
  function watchLeaders(nodes: Cluster[]) {
    let most = 0;
    let lockMost = 0;
    let running = true;
    const done = (async () => {
      while (running) {
        most = Math.max(most, nodes.filter((n) => n.isLeader()).length);
        lockMost = Math.max(lockMost, (await leaderKeysHeld(adminSql())).length);
        await sleep(10);
      }
    })();
    return {
      async stop() {
        running = false;
        await done;
        return { most, lockMost };
      },
    };
  }
  const adminSql = () => ({ query: async (text: string, params: unknown[] = []) => (await pg.admin.unsafe(text, params as never[])) as never[] });

  it('elects exactly one leader, visible to every node through /v1/nodes data and pg_locks', async () => {
    pg = await members.open();
    const nodes = [await node('a', 3), await node('b', 3), await node('c', 3)];
    await until('a leader', () => nodes.some((n) => n.isLeader()));
    await Promise.all(nodes.map((n) => n.tick()));
    expect(nodes.filter((n) => n.isLeader())).toHaveLength(1);
    const leader = nodes.find((n) => n.isLeader())!;
    for (const n of nodes) {
      const view = await n.nodes();
      expect(view.map((v) => [v.id, v.status, v.role])).toEqual(
        ['a', 'b', 'c'].map((id) => [id, 'alive', id === leader.nodeId ? 'leader' : 'member']),
      );
      expect(n.quorum()).toEqual({ ok: true, alive: 3, required: 3 });
    }
    expect(await leaderKeysHeld(adminSql())).toEqual([nodeIdKey(leader.nodeId)]);
  });

  it('the leader session dropped or the leader stopped: another takes over within two heartbeats, never two at once', async () => {
    pg = await members.open();
    const nodes = [await node('a'), await node('b'), await node('c')];
    const watch = watchLeaders(nodes);
    await until('a leader', () => nodes.some((n) => n.isLeader()));

    // 1. Its connection is killed (the node itself lives on): the lock is free at once.
    const [holder] = await pg.admin.unsafe(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      LEADER_LOCK,
    );
    const killedAt = Date.now();
    await pg.admin.unsafe('SELECT pg_terminate_backend($1)', [holder!.pid]);
    await until('a new leader', () => nodes.some((n) => n.isLeader()));
    expect(Date.now() - killedAt).toBeLessThan(2 * 200 + 500);

    // 2. The leader stops: it is dead at once, and one of the others leads.
    const first = nodes.find((n) => n.isLeader())!;
    await first.stop();
    const stoppedAt = Date.now();
    const next = await until('another leader', () => nodes.find((n) => n !== first && n.isLeader()));
    expect(Date.now() - stoppedAt).toBeLessThan(2 * 200 + 500);
    await next.tick();
    const view = await next.nodes();
    expect(view.find((v) => v.id === first.nodeId)).toMatchObject({ status: 'dead', role: 'member' });
    expect(view.find((v) => v.id === next.nodeId)).toMatchObject({ status: 'alive', role: 'leader' });

    expect(await watch.stop()).toEqual({ most: 1, lockMost: 1 });
  });

  it('a node silent for 10 s (here 1 s) is dead, and quorum follows the living', async () => {
    pg = await members.open();
    const a = await node('a', 2);
    // "b" registers and then never heartbeats again, as a frozen or partitioned process would.
    await nodeRegister(pg.open(), { id: 'b', url: 'http://127.0.0.1/b', version: 't' });
    await a.tick();
    expect(a.quorum()).toMatchObject({ ok: true, alive: 2, required: 2 });
    await sleep(1100);
    await a.tick();
    expect(a.quorum()).toEqual(aloneOfTwo);
    expect((await a.nodes()).map((n) => [n.id, n.status])).toEqual([
      ['a', 'alive'],
      ['b', 'dead'],
    ]);
  });

  it('a graceful stop counts at once: the others lose quorum on their next heartbeat', async () => {
    pg = await members.open();
    const a = await node('a', 1);
    const b = await node('b', 2);
    await b.tick();
    expect(b.quorum().ok).toBe(true);
    await a.stop();
    await b.tick();
    expect(b.quorum()).toMatchObject({ ok: false, alive: 1 });
  });

  it('a node cut off from the database loses quorum once its last count is older than the dead time', async () => {
    pg = await members.open();
    await node('a', 1);
    let cut = false;
    const real = pg.open();
    const db: Db = { ...real, query: (text, params) => (cut ? Promise.reject(new Error('unreachable')) : real.query(text, params)) };
    const b = await node('b', 2, db);
    expect(b.quorum().ok).toBe(true);
    cut = true;
    await sleep(1100);
    expect(b.quorum()).toMatchObject({ ok: false, alive: 0, reason: expect.stringMatching(/^membership unknown: no successful heartbeat for \d+ s$/) });
    cut = false;
    await b.tick();
    expect(b.quorum().ok).toBe(true);
  });

  it('each heartbeat shares liveFigures; peerFigures is what the other live nodes shared, none of a stopped node or once this one is cut off', async () => {
    pg = await members.open();
    let shared: unknown = { from: 'a', n: 1 };
    const a = members.member('a', { liveFigures: () => shared });
    const b = members.member('b', { liveFigures: () => ({ from: 'b' }) });
    let cut = false;
    const real = pg.open();
    const db: Db = { ...real, query: (text, params) => (cut ? Promise.reject(new Error('unreachable')) : real.query(text, params)) };
    const c = members.member('c', { db });
    await Promise.all([a.start('http://127.0.0.1/a'), b.start('http://127.0.0.1/b'), c.start('http://127.0.0.1/c')]);
    await Promise.all([a.tick(), b.tick()]);
    await c.tick();
    // c shares nothing (no liveFigures): its row keeps the empty object it started with.
    expect(b.peerFigures()).toEqual(expect.arrayContaining([{ from: 'a', n: 1 }, {}]));
    expect(b.peerFigures()).toHaveLength(2);
    expect(c.peerFigures()).toEqual(expect.arrayContaining([{ from: 'a', n: 1 }, { from: 'b' }]));
    shared = { from: 'a', n: 2 };
    await a.tick();
    await c.tick();
    expect(c.peerFigures()).toContainEqual({ from: 'a', n: 2 });
    await a.stop();
    await c.tick();
    expect(c.peerFigures()).toEqual([{ from: 'b' }]);
    cut = true;
    await sleep(1100); // the dead time of membersOnPostgres
    expect(c.peerFigures()).toEqual([]);
  });

  it("a node registered again starts with nothing shared: not its previous process's figures", async () => {
    pg = await members.open();
    const first = members.member('a', { liveFigures: () => ({ from: 'the first process' }) });
    await first.start('http://127.0.0.1/a');
    await first.stop();
    const again = members.member('a');
    const b = members.member('b');
    await again.start('http://127.0.0.1/a');
    await b.start('http://127.0.0.1/b');
    expect(b.peerFigures()).toEqual([{}]);
  });
});

describe('live figures on pglite (one node)', () => {
  it('shares nothing and has no peers: the broker counts this node alone', async () => {
    const db = await openTestDb('pglite');
    let asked = 0;
    const cluster = createCluster({ db, logger: silent, node: { id: 'solo', version: 't' }, heartbeatMs: 100, liveFigures: () => ++asked });
    try {
      await cluster.start('http://127.0.0.1:3000');
      await cluster.tick();
      expect(asked).toBe(0);
      expect(cluster.peerFigures()).toEqual([]);
    } finally {
      await cluster.stop();
      await db.close();
    }
  });
});

