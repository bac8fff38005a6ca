import { afterEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/databases';
import { membersOnPostgres } from '../../test/cluster-nodes';
import type { SharedPostgres } from '../../test/shared-postgres';
import { replyQueueName } from '../broker/broker';
import { createCluster } from './cluster';
import { NodeIdInUseError } from './identity';
import { nodeIdKey } from './leader';
import { nodeRegister } from './node-store';
import { silent } from '../../test/silent-logger';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('node identity on pglite (one process per data directory)', () => {
  it("a row left with this node's id by a killed process is taken over at once; a pruned row comes back", async () => {
    const db = await openTestDb('pglite');
    const cluster = createCluster({ db, logger: silent, node: { id: 'solo', version: 't' }, heartbeatMs: 100 });
    try {
      await nodeRegister(db, { id: 'solo', url: 'http://127.0.0.1/before', version: 't' });
      const started = Date.now();
      await cluster.start('http://127.0.0.1/after');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await cluster.nodes()).toEqual([expect.objectContaining({ id: 'solo', url: 'http://127.0.0.1/after', status: 'alive' })]);
      // pruned (as after an hour cut off): the next heartbeat registers it again
      await db.query('DELETE FROM nodes');
      await cluster.tick();
      expect(await cluster.nodes()).toEqual([expect.objectContaining({ id: 'solo', url: 'http://127.0.0.1/after', status: 'alive' })]);
      expect(cluster.quorum().ok).toBe(true);
    } finally {
      await cluster.stop();
      await db.close();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('node identity on postgres (several nodes, one database)', () => {
  let pg: SharedPostgres;
  const members = membersOnPostgres({ replyQueue: replyQueueName });
  afterEach(() => members.close());

  /** A node (not started), heartbeating every 100 ms, dead after 1 s of silence. */
  const node = members.member;
  const url = (id: string, n = 1) => `http://127.0.0.1/${id}/${n}`;
  const rows = async () =>
    (await pg.admin.unsafe('SELECT id, url, stopped_at IS NULL AS running FROM nodes ORDER BY id')).map((r) => ({ ...r }));

  it("a second node with a live node's id is refused before it writes anything; the first keeps its row", async () => {
    pg = await members.open();
    const first = node('node-1');
    await first.start(url('node-1', 1));
    const started = Date.now();
    const refused = node('node-1').start(url('node-1', 2));
    await expect(refused).rejects.toBeInstanceOf(NodeIdInUseError);
    await expect(refused).rejects.toThrow(
      /^This node cannot start: node id 'node-1' is in use by a live node \(http:\/\/127\.0\.0\.1\/node-1\/1, last heartbeat \d+\.\d s ago\)\. Two processes must not share HATOBA_NODE_ID/,
    );
    expect(Date.now() - started).toBeLessThan(1000); // seen heartbeating, not waited out
    expect(await rows()).toEqual([{ id: 'node-1', url: url('node-1', 1), running: true }]);
    await first.tick();
    expect(await first.nodes()).toEqual([expect.objectContaining({ id: 'node-1', url: url('node-1', 1), status: 'alive', role: 'leader' })]);
  });

  it('two nodes starting at once with one id: exactly one starts', async () => {
    pg = await members.open();
    const results = await Promise.allSettled([node('node-1').start(url('node-1', 1)), node('node-1').start(url('node-1', 2))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(NodeIdInUseError);
  });

  it("ids that make the same reply queue name (web/1, web-1) cannot both live; nor ids with the same leader-lock key", async () => {
    pg = await members.open();
    expect(replyQueueName('web/1')).toBe(replyQueueName('web-1'));
    await node('web/1').start(url('web/1'));
    await expect(node('web-1').start(url('web-1'))).rejects.toThrow(
      "This node cannot start: node id 'web-1' would share reply queue 'amq.reply.web-1' with live node 'web/1'",
    );
    expect(nodeIdKey('node-188904')).toBe(nodeIdKey('node-558220'));
    await node('node-188904').start(url('node-188904'));
    await expect(node('node-558220').start(url('node-558220'))).rejects.toThrow(/has the same leader-lock key \(a hash of the id\) as live node 'node-188904'/);
    expect((await rows()).map((r) => r.id)).toEqual(['node-188904', 'web/1']);
  });

  it('a graceful stop frees the id at once', async () => {
    pg = await members.open();
    const first = node('node-1');
    await first.start(url('node-1', 1));
    await first.stop();
    const started = Date.now();
    await node('node-1').start(url('node-1', 2));
    expect(Date.now() - started).toBeLessThan(500);
    expect(await rows()).toEqual([{ id: 'node-1', url: url('node-1', 2), running: true }]);
  });

  it("a killed node's row is taken over: at once when it is dead already, after its liveness window when it was just killed", async () => {
    pg = await members.open();
    // A row that no process heartbeats any more, as kill -9 leaves it.
    await nodeRegister(pg.open(), { id: 'node-1', url: url('node-1', 1), version: 't' });
    let started = Date.now();
    await node('node-1').start(url('node-1', 2));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(700); // watched until 1 s without a heartbeat ...
    expect(waited).toBeLessThan(2000); // ... then taken over
    expect(await rows()).toEqual([{ id: 'node-1', url: url('node-1', 2), running: true }]);

    await nodeRegister(pg.open(), { id: 'node-2', url: url('node-2', 1), version: 't' });
    await sleep(1100);
    started = Date.now();
    await node('node-2').start(url('node-2', 2));
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("a node silent past its liveness window whose id was taken meanwhile does not revive or stop the new owner's row, and counts itself out", async () => {
    pg = await members.open();
    const frozen = node('node-1', { heartbeatMs: 60_000 }); // heartbeats only when the test ticks it
    await frozen.start(url('node-1', 1));
    expect(frozen.quorum().ok).toBe(true);
    await sleep(1100); // dead to the cluster
    const successor = node('node-1');
    await successor.start(url('node-1', 2));
    await frozen.tick(); // it wakes up
    expect(frozen.quorum()).toMatchObject({ ok: false, reason: expect.stringContaining("node id 'node-1' is in use by a live node") });
    await frozen.stop();
    await successor.tick();
    expect(await rows()).toEqual([{ id: 'node-1', url: url('node-1', 2), running: true }]);
    expect(successor.quorum().ok).toBe(true);
  });
});
