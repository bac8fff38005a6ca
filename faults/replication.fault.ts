import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../test/server';
import { consumeLoop, describeVerdict, drainQueue, figure, Fleet, Ledger, publishLoop, sleep, type FleetNode } from './harness';
import { privatePostgres, privatePostgresUnavailable, privateStandbyUnavailable, type PrivatePostgres } from './private-postgres';

const unavailable = privatePostgresUnavailable() ?? privateStandbyUnavailable();
if (unavailable) console.log(`[fault 9] skipped: ${unavailable}`);

const PUBLISHERS = 6;
const MEASURE_MS = 3000;
const MEASURE_CLIENTS = 32;

/** Publishes unique bodies to `path` from `clients` concurrent clients for `ms`: answers 201 per second, and the median answer time. */
async function measure(nodes: FleetNode[], path: string, clients: number, ms: number, headers: Record<string, string> = {}) {
  const until = Date.now() + ms;
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const started = performance.now();
        const r = await call(nodes[(c + i) % nodes.length]!.url, 'POST', path, `m${c}.${i}`, { 'content-type': 'text/plain', ...headers });
        if (r.status === 201) times.push(performance.now() - started);
      }
    }),
  );
  times.sort((x, y) => x - y);
  return { rate: times.length / (ms / 1000), medianMs: times[Math.floor(times.length / 2)] ?? NaN };
}

type Case = { name: string; path: string; headers?: Record<string, string> };

/**
 * Each case ROUNDS times, interleaved (a, b, a, b, ...) after a warm-up, so drift on a shared
 * machine falls on every case alike: the median of the rounds, for 32 clients and for one.
 */
async function measureTiers(nodes: FleetNode[], cases: Case[]): Promise<string> {
  const ROUNDS = 3;
  for (const c of cases) await measure(nodes, c.path, 8, 500, c.headers);
  const results = new Map<string, { rate: number[]; latency: number[] }>(cases.map((c) => [c.name, { rate: [], latency: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      results.get(c.name)!.rate.push((await measure(nodes, c.path, MEASURE_CLIENTS, MEASURE_MS, c.headers)).rate);
      results.get(c.name)!.latency.push((await measure(nodes, c.path, 1, MEASURE_MS / 2, c.headers)).medianMs);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return cases
    .map((c) => {
      const r = results.get(c.name)!;
      return `${c.name} ${Math.round(median(r.rate))} msg/s (1 client: ${median(r.latency).toFixed(1)} ms per publish)`;
    })
    .join(', ');
}

async function waitForSyncStandby(primaryUrl: string): Promise<void> {
  const sql = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  try {
    for (let i = 0; i < 300; i++) {
      const rows = await sql`SELECT sync_state FROM pg_stat_replication`;
      if (rows.some((r) => r.sync_state === 'sync')) return;
      await sleep(100);
    }
    throw new Error('the standby did not become synchronous within 30 s');
  } finally {
    await sql.end();
  }
}

/**
 * (9) A replicated queue survives the loss of its primary: a private primary with
 * synchronous_standby_names = '*' and a streaming standby (pg_basebackup -R), both on loopback;
 * the primary is killed (kill -9 of every server process) under publish and consume load, the
 * standby promoted, and the nodes restarted on it. Every publish answered 201 before the kill
 * must be deliverable from the promoted standby, and no acknowledged message may come back.
 */
describe.skipIf(!!unavailable)('fault 9: replicated queue, primary killed, standby promoted', () => {
  let primary: PrivatePostgres | undefined;
  let standby: PrivatePostgres | undefined;
  let fleet: Fleet | undefined;
  afterAll(async () => {
    await fleet?.destroy();
    primary?.destroy();
    standby?.destroy();
  });

  it('kill -9 of the primary under load, promote, restart the nodes on the standby: 0 answered publishes lost', async () => {
    // On the command line, not in postgresql.auto.conf: the base backup must not copy it, or the
    // promoted standby would wait forever for a standby of its own.
    primary = await privatePostgres({ settings: { synchronous_standby_names: "'*'" } });
    standby = await privatePostgres({ standbyOf: primary });
    await waitForSyncStandby(primary.url);
    const admin = postgres(primary.url, { max: 1, onnotice: () => {} });
    await admin.unsafe('CREATE DATABASE hatoba');
    await admin.end();
    const onPrimary = primary.url.replace(/\/postgres$/, '/hatoba');
    const onStandby = standby.url.replace(/\/postgres$/, '/hatoba');
    fleet = new Fleet({ DATABASE_URL: onPrimary, HATOBA_DB_POOL: '4' });
    const f = fleet;
    await f.start('p1');
    await f.start('p2');
    const node = () => f.alive()[0]!.url;

    const declared = await call(node(), 'PUT', '/v1/queues/ledger', { durability: 'replicated', visibilityTimeoutMs: 3000 });
    expect(declared.status).toBe(201);
    expect(declared.body.settings.durability).toBe('replicated');
    expect((await call(node(), 'GET', '/v1/queues/ledger.dlq')).body.settings.durability).toBe('replicated');
    expect((await call(node(), 'PUT', '/v1/queues/plain', { deadLetter: false })).status).toBe(201);
    expect((await call(node(), 'PUT', '/v1/queues/plain.nonpersistent', { deadLetter: false })).status).toBe(201);

    // The cost of each tier, measured here: the same two nodes and server, cases interleaved.
    const withStandby = await measureTiers(f.alive(), [
      { name: 'durable', path: '/v1/queues/plain/messages' },
      { name: 'replicated', path: '/v1/queues/ledger/messages' },
    ]);
    for (const q of ['ledger', 'plain']) expect((await call(node(), 'POST', `/v1/queues/${q}/purge`)).status).toBe(200);

    const ledger = new Ledger('replicated');
    const statuses = new Map<string, number>();
    let running = true;
    const load = [
      ...Array.from({ length: PUBLISHERS }, (_, c) =>
        publishLoop({ ledger, pick: () => f.pick(), path: '/v1/queues/ledger/messages', running: () => running, client: c, statuses }),
      ),
      consumeLoop({ ledger, pick: () => f.pick(), queue: 'ledger', running: () => running, holdMs: 5 }),
    ];
    await sleep(3000);
    const answeredBeforeKill = ledger.answeredSoFar;
    const killedAt = Date.now();
    primary.killHard();
    // The nodes see their database gone for a while (requests in flight fail, new ones get 503)
    // before the standby is promoted, as when a person or a tool decides on the failover.
    await sleep(1000);
    standby.promote();
    const promotedAt = Date.now();
    // The nodes still point at the dead primary: restart them on the promoted standby.
    await Promise.all(['p1', 'p2'].map((id) => f.kill(id)));
    await Promise.all(['s1', 's2'].map((id) => f.start(id, { DATABASE_URL: onStandby })));
    let firstAnswerAfterKill: number | undefined;
    await expect
      .poll(
        () => {
          if (ledger.answeredSoFar > answeredBeforeKill) firstAnswerAfterKill ??= Date.now();
          return firstAnswerAfterKill !== undefined;
        },
        { timeout: 60_000, interval: 20 },
      )
      .toBe(true);
    await sleep(2000);
    running = false;
    await Promise.all(load);
    await drainQueue({ ledger, node: () => f.alive()[0]!, queue: 'ledger' });
    const v = ledger.verdict();

    // On the promoted standby, now alone: the tiers without a standby.
    expect((await call(node(), 'PUT', '/v1/queues/live', { durability: 'memory', deadLetter: false })).status).toBe(201);
    const alone = await measureTiers(f.alive(), [
      { name: 'durable', path: '/v1/queues/plain/messages' },
      { name: 'Persistent: false', path: '/v1/queues/plain.nonpersistent/messages', headers: { 'hatoba-persistent': 'false' } },
      { name: 'memory', path: '/v1/queues/live/messages' },
    ]);
    // Declaring it again is refused now: the promoted server has no standby of its own.
    const again = await call(node(), 'PUT', '/v1/queues/ledger', { durability: 'replicated', visibilityTimeoutMs: 3000 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('replication_unavailable');

    figure(
      '9 replicated failover',
      `primary killed (kill -9) after ${answeredBeforeKill} publishes answered; standby promoted ${promotedAt - killedAt} ms after the kill; ` +
        `first publish answered again ${firstAnswerAfterKill! - killedAt} ms after the kill (nodes restarted on the standby); ` +
        `${describeVerdict(v)}; answers: ${[...statuses].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    );
    figure(
      '9 tier cost',
      `HTTP publish through 2 nodes, ${MEASURE_CLIENTS} clients, median of 3 interleaved ${MEASURE_MS / 1000} s runs, standby on loopback on this machine: ` +
        `with a synchronous standby: ${withStandby}; the server alone (the promoted standby): ${alone}`,
    );
    expect(v.lost).toEqual([]);
    expect(v.duplicated).toEqual([]);
    expect(v.unexpected).toEqual([]);
  });
});
