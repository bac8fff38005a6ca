import { afterAll, describe, expect, it } from 'vitest';
import { LEADER_LOCK } from '../server/cluster';
import { call } from '../test/server';
import { sharedPostgres, type SharedPostgres } from '../test/shared-postgres';
import { figure, Fleet, sleep } from './harness';

const CYCLES = 3;

interface NodeInfo {
  id: string;
  role: 'leader' | 'member';
  status: 'alive' | 'dead';
}

/** (6) The leader is killed: another takes over; never two leaders, by /v1/nodes and by pg_locks. */
describe.skipIf(!process.env.TEST_DATABASE_URL)('fault 6: leader killed', () => {
  let pg: SharedPostgres;
  let fleet: Fleet;
  afterAll(async () => {
    await fleet?.destroy();
    await pg?.drop();
  });

  it(`${CYCLES} times kill -9 of the leader among three nodes: a new leader within seconds, never two`, async () => {
    pg = await sharedPostgres();
    fleet = new Fleet({ DATABASE_URL: pg.url, HATOBA_DB_POOL: '3' });
    for (const id of ['n1', 'n2', 'n3']) await fleet.start(id);

    // Sampled all along: leaders named by each node's /v1/nodes, and sessions holding the lock.
    let mostInOneView = 0;
    let mostDistinctAtOnce = 0;
    let mostLockHolders = 0;
    let samples = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const views = await Promise.all(fleet.alive().map((n) => call(n.url, 'GET', '/v1/nodes').catch(() => null)));
        const leaders = new Set<string>();
        for (const v of views) {
          if (v?.status !== 200) continue;
          const named = (v.body.nodes as NodeInfo[]).filter((n) => n.role === 'leader');
          mostInOneView = Math.max(mostInOneView, named.length);
          for (const n of named) leaders.add(n.id);
        }
        mostDistinctAtOnce = Math.max(mostDistinctAtOnce, leaders.size);
        const [row] = await pg.admin.unsafe(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid
             AND objid = $2::int::oid AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          LEADER_LOCK,
        );
        mostLockHolders = Math.max(mostLockHolders, row!.n);
        samples++;
        await sleep(50);
      }
    })();

    const leaderNow = async (): Promise<string | undefined> => {
      for (const n of fleet.alive()) {
        const v = await call(n.url, 'GET', '/v1/nodes').catch(() => null);
        const leader = (v?.body?.nodes as NodeInfo[] | undefined)?.find((x) => x.role === 'leader');
        if (leader) return leader.id;
      }
      return undefined;
    };
    const waitLeader = async (not?: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const id = await leaderNow();
        if (id && id !== not) return id;
        if (Date.now() > deadline) throw new Error('no new leader within 20 s');
        await sleep(50);
      }
    };

    const takeovers: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const leader = await waitLeader();
      const killedAt = Date.now();
      await fleet.kill(leader);
      const next = await waitLeader(leader);
      takeovers.push(Date.now() - killedAt);
      expect(next).not.toBe(leader);
      await fleet.start(leader);
    }
    await sleep(500);
    watching = false;
    await watcher;
    figure(
      '6 leader killed',
      `${CYCLES} kill -9 of the leader: new leader after ${takeovers.map((t) => `${t} ms`).join(', ')} (heartbeat 2 s); ` +
        `${samples} samples: at most ${mostInOneView} leader per /v1/nodes view, ${mostDistinctAtOnce} distinct across views, ${mostLockHolders} pg_locks holder`,
    );
    expect(Math.max(...takeovers)).toBeLessThan(2 * 2000 + 1500);
    expect(mostInOneView).toBe(1);
    expect(mostDistinctAtOnce).toBe(1);
    expect(mostLockHolders).toBe(1);
  });
});
