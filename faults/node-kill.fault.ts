import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../test/server';
import { sharedPostgres, type SharedPostgres } from '../test/shared-postgres';
import { consumeLoop, describeVerdict, drainQueue, figure, Fleet, Ledger, publishLoop, sleep } from './harness';

const CYCLES = 4;

/** (1) kill -9 of a node under concurrent publish and consume, several times: no answered publish is lost. */
describe.skipIf(!process.env.TEST_DATABASE_URL)('fault 1: kill -9 of a node under load', () => {
  let pg: SharedPostgres;
  let fleet: Fleet;
  afterAll(async () => {
    await fleet?.destroy();
    await pg?.drop();
  });

  it(`${CYCLES} cycles of kill -9 and restart among three nodes: 0 answered publishes lost, none acknowledged twice`, async () => {
    pg = await sharedPostgres();
    fleet = new Fleet({ DATABASE_URL: pg.url, HATOBA_DB_POOL: '4' });
    for (const id of ['n1', 'n2', 'n3']) await fleet.start(id);
    const first = fleet.alive()[0]!;
    expect((await call(first.url, 'PUT', '/v1/queues/work', { visibilityTimeoutMs: 3000 })).status).toBe(201);

    const ledger = new Ledger('kill9');
    const statuses = new Map<string, number>();
    let running = true;
    const load = [
      ...Array.from({ length: 6 }, (_, c) =>
        publishLoop({ ledger, pick: () => fleet.pick(), path: '/v1/queues/work/messages', running: () => running, client: c, statuses }),
      ),
      ...Array.from({ length: 3 }, () => consumeLoop({ ledger, pick: () => fleet.pick(), queue: 'work', running: () => running, holdMs: 20 })),
    ];
    const started = Date.now();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await sleep(1500);
      const victim = fleet.pick()!;
      await fleet.kill(victim.id);
      await sleep(300);
      await fleet.start(victim.id);
    }
    await sleep(1000);
    running = false;
    await Promise.all(load);
    await drainQueue({ ledger, node: () => fleet.alive()[0]!, queue: 'work' });

    const v = ledger.verdict();
    figure(
      '1 kill -9 under load',
      `${CYCLES} kills in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describeVerdict(v)}; answers: ${[...statuses].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    );
    expect(v.answered).toBeGreaterThan(100);
    expect(v.lost).toEqual([]);
    expect(v.duplicated).toEqual([]);
    expect(v.unexpected).toEqual([]);
  });
});
