import { afterEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import type { Db } from '../../db/driver';
import { drivers, openTestDb } from '../../test/databases';
import { createBroker } from './broker';
import { createHousekeeping, type HousekeepingDeps } from './housekeeping';

describe.each(drivers)('claims on %s', (driver) => {
  let t: TestBroker;
  afterEach(async () => t?.close());

  const publish = (queue: string, n: number) =>
    t.broker.publishBatch(Array.from({ length: n }, (_, i) => message('amq.default', queue, `m${i}`)));

  /** Index entries of the claim index read so far (the statistics are flushed first). */
  async function claimIndexReads(): Promise<number> {
    await t.db.query('SELECT pg_stat_force_next_flush()');
    await t.db.query('SELECT 1');
    await t.db.query('SELECT pg_stat_clear_snapshot()');
    const [row] = await t.db.query<{ n: number }>(
      `SELECT idx_tup_read::int8 AS n FROM pg_stat_user_indexes WHERE indexrelname = 'queue_entries_claim'`,
    );
    return Number(row!.n);
  }

  it('read as many index entries as they lease, not the whole queue, on a queue never analysed', async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('deep', {});
    for (let i = 0; i < 10; i++) await publish('deep', 1000);
    const before = await claimIndexReads();
    const got = await t.broker.receive('deep', { max: 10, waitMs: 0 });
    expect(got.map((d) => new TextDecoder().decode(d.body))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    // Planned on empty statistics, the query used to scan all 10,000 and sort them.
    expect((await claimIndexReads()) - before).toBeLessThan(100);
  });

  it('of concurrent receives share the queue in order: each takes up to its max, none twice', async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('work', {});
    await publish('work', 10);
    const [a, b, c] = await Promise.all([
      t.broker.receive('work', { max: 4, waitMs: 0 }),
      t.broker.receive('work', { max: 4, waitMs: 0 }),
      t.broker.receive('work', { max: 4, waitMs: 0 }),
    ]);
    const bodies = [a!, b!, c!].map((ds) => ds.map((d) => new TextDecoder().decode(d.body)));
    expect(bodies.map((x) => x.length).sort()).toEqual([2, 4, 4]);
    expect(bodies.flat().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    expect(new Set([...a!, ...b!, ...c!].map((d) => d.receipt)).size).toBe(10);
  });

  it('of concurrent receives keep each receive’s own visibility timeout', async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('vis', {});
    await publish('vis', 2);
    const [short, long] = await Promise.all([
      t.broker.receive('vis', { max: 1, waitMs: 0, visibilityMs: 300 }),
      t.broker.receive('vis', { max: 1, waitMs: 0, visibilityMs: 60_000 }),
    ]);
    expect(short).toHaveLength(1);
    expect(long).toHaveLength(1);
    await sleep(500);
    const again = await t.broker.receive('vis', { max: 10, waitMs: 0 });
    // Only the short lease ran out.
    expect(again.map((d) => d.id)).toEqual([short![0]!.id]);
    expect(again[0]!.attempt).toBe(2);
  });

  it('of concurrent acks on different queues settle each one’s own receipts', async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('left', {});
    await t.broker.declareQueue('right', {});
    await publish('left', 3);
    await publish('right', 2);
    const l = await t.broker.receive('left', { max: 10, waitMs: 0 });
    const r = await t.broker.receive('right', { max: 10, waitMs: 0 });
    const [al, ar, wrong] = await Promise.all([
      t.broker.ack('left', l.map((d) => d.receipt)),
      t.broker.ack('right', r.slice(1).map((d) => d.receipt)),
      // a receipt of `right` acked on `left` matches nothing, and the answer says whose it is
      t.broker.ack('left', [r[0]!.receipt]),
    ]);
    expect(al).toEqual({ acked: 3, stale: [] });
    expect(ar).toEqual({ acked: 1, stale: [] });
    expect(wrong).toEqual({ acked: 0, stale: [r[0]!.receipt], otherQueue: [{ receipt: r[0]!.receipt, queue: 'right' }] });
    expect((await t.broker.queueInfo('right')).inFlight).toBe(1);
  });
});

describe.each(drivers)('acks on %s, in one statement', (driver) => {
  let t: TestBroker;
  afterEach(async () => t?.close());

  it('tell a stale lease from the current one of the same entry, and ack a receipt given twice once', async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('same', {});
    await t.broker.publishBatch([message('amq.default', 'same', 'x'), message('amq.default', 'same', 'y')]);
    const [stale] = await t.broker.receive('same', { max: 1, waitMs: 0, visibilityMs: 100 });
    await sleep(200);
    const both = await t.broker.receive('same', { max: 2, waitMs: 0 });
    const current = both.find((d) => d.id === stale!.id);
    const other = both.find((d) => d.id !== stale!.id);
    expect(current!.attempt).toBe(2);
    const results = await Promise.all([
      t.broker.ack('same', [stale!.receipt, other!.receipt]),
      t.broker.ack('same', [current!.receipt]),
      t.broker.ack('same', [other!.receipt]),
    ]);
    expect(results[0]!.stale).toContain(stale!.receipt);
    expect(results[1]).toEqual({ acked: 1, stale: [] });
    // `other` was given twice: one of the two acks took it, the other found it stale
    expect(results[0]!.acked + results[2]!.acked).toBe(1);
    expect(await t.broker.queueInfo('same')).toMatchObject({ ready: 0, inFlight: 0 });
  });

  it('settle a thousand receipts of one call, and nack each entry after its own backoff', async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('many', { retry: { initialDelayMs: 60_000, multiplier: 2, maxDelayMs: 600_000, jitter: 0 } });
    for (let i = 0; i < 1000; i += 500) {
      await t.broker.publishBatch(Array.from({ length: 500 }, (_, j) => message('amq.default', 'many', `m${i + j}`)));
    }
    const got = await t.broker.receive('many', { max: 1000, waitMs: 0 });
    expect(got).toHaveLength(1000);
    expect(await t.broker.ack('many', got.slice(0, 900).map((d) => d.receipt))).toEqual({ acked: 900, stale: [] });
    // Half the rest nacked at attempt 1, the other half after a second delivery (attempt 2): 60 s and 120 s.
    const rest = got.slice(900);
    await t.broker.nack('many', rest.slice(0, 50).map((d) => d.receipt), { delayMs: 0 });
    const again = await t.broker.receive('many', { max: 100, waitMs: 0 });
    expect(again).toHaveLength(50);
    const nacked = await t.broker.nack('many', [...rest.slice(50), ...again].map((d) => d.receipt), {});
    expect(nacked).toEqual({ nacked: 100, stale: [] });
    const delays = await t.db.query<{ attempt: number; delay_s: number }>(
      `SELECT attempt, round(extract(epoch FROM visible_at - now()))::int AS delay_s FROM queue_entries WHERE queue = 'many'`,
    );
    expect(delays).toHaveLength(100);
    expect(delays.filter((d) => d.attempt === 1 && d.delay_s >= 59 && d.delay_s <= 60)).toHaveLength(50);
    expect(delays.filter((d) => d.attempt === 2 && d.delay_s >= 119 && d.delay_s <= 120)).toHaveLength(50);
  });
});

describe.each(drivers)('settling on %s', (driver) => {
  let t: TestBroker;
  afterEach(async () => t?.close());

  describe.each(['durable', 'memory'] as const)('a %s queue', (durability) => {
    it('counts each receipt once, and an ended lease of an entry as stale even beside its current one', async () => {
      t = await startTestBroker(driver);
      await t.broker.declareQueue('s', { durability, deadLetter: false });
      await t.broker.publishBatch(['a', 'b', 'c'].map((b) => message('amq.default', 's', b)));
      const [old] = await t.broker.receive('s', { max: 1, waitMs: 0, visibilityMs: 100 });
      await sleep(200);
      const got = await t.broker.receive('s', { max: 3, waitMs: 0 });
      const [current, second, third] = [got.find((d) => d.id === old!.id)!, ...got.filter((d) => d.id !== old!.id)];
      expect(current.attempt).toBe(2);

      expect(await t.broker.extend('s', [old!.receipt, current.receipt, current.receipt], 60_000)).toEqual({ extended: 1, stale: [old!.receipt] });
      expect(await t.broker.nack('s', [second!.receipt, second!.receipt], { delayMs: 0 })).toEqual({ nacked: 1, stale: [] });
      expect(await t.broker.ack('s', [old!.receipt, current.receipt, third!.receipt, third!.receipt])).toEqual({ acked: 2, stale: [old!.receipt] });
      // the nacked one is back once, not twice
      const back = await t.broker.receive('s', { max: 10, waitMs: 0 });
      expect(back.map((d) => [d.id, d.attempt])).toEqual([[second!.id, 2]]);
      expect(await t.broker.ack('s', back.map((d) => d.receipt))).toEqual({ acked: 1, stale: [] });
      expect(await t.broker.queueInfo('s')).toMatchObject({ ready: 0, inFlight: 0, delayed: 0 });
    });
  });
});

describe.each(drivers)('acks on %s', (driver) => {
  it('that arrive together share one statement (one commit), each answered with its own count', async () => {
    const db = await openTestDb(driver);
    const statements: string[] = [];
    const counted: Db = { ...db, query: (text, params) => (statements.push(text), db.query(text, params)) };
    const broker = createBroker({ db: counted, node: 'n', sweepIntervalMs: 60_000 });
    await broker.start();
    try {
      await broker.declareQueue('a', {});
      await broker.declareQueue('b', {});
      await broker.publishBatch([1, 2, 3].map((i) => message('amq.default', i < 3 ? 'a' : 'b', `m${i}`)));
      const fromA = await broker.receive('a', { max: 10, waitMs: 0 });
      const fromB = await broker.receive('b', { max: 10, waitMs: 0 });
      const ackStatements = () => statements.filter((t) => t.includes("SELECT 'acked'")).length;
      const before = ackStatements();
      const results = await Promise.all([
        broker.ack('a', [fromA[0]!.receipt]),
        broker.ack('a', [fromA[1]!.receipt]),
        broker.ack('b', [fromB[0]!.receipt]),
      ]);
      expect(results.map((r) => r.acked)).toEqual([1, 1, 1]);
      expect(ackStatements() - before).toBe(1);
    } finally {
      await broker.stop();
      await db.close();
    }
  });
});

describe('PGlite housekeeping', () => {
  let t: TestBroker;
  afterEach(async () => t?.close());

  it('vacuums the queue tables, which PGlite (no autovacuum) would otherwise never do', async () => {
    t = await startTestBroker('pglite');
    await t.broker.declareQueue('churn', {});
    await t.broker.publishBatch(Array.from({ length: 200 }, (_, i) => message('amq.default', 'churn', `m${i}`)));
    const got = await t.broker.receive('churn', { max: 200, waitMs: 0 });
    await t.broker.ack('churn', got.map((d) => d.receipt));
    const dead = async () => {
      await t.db.query('SELECT pg_stat_force_next_flush()');
      await t.db.query('SELECT pg_stat_clear_snapshot()');
      const [row] = await t.db.query<{ n: number }>(`SELECT n_dead_tup::int8 AS n FROM pg_stat_user_tables WHERE relname = 'queue_entries'`);
      return Number(row!.n);
    };
    expect(await dead()).toBeGreaterThan(0);
    await createHousekeeping({ db: t.db } as HousekeepingDeps).vacuum();
    expect(await dead()).toBe(0);
  });
});
