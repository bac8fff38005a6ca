import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { expectCode, receiveOne } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { autovacuumMissing, createHousekeeping, type HousekeepingDeps } from './housekeeping';
import { retentionSweep } from './pg/retention';

const DAY = 86_400_000;

describe.each(drivers)('retention on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver, { sampleIntervalMs: 3_600_000 }); // no depth samples but the test's own
    await t.broker.declareQueue('work', {});
  });
  afterEach(async () => t.close());

  const age = (table: 'messages' | 'events', column: 'published_at' | 'at', ids: string[]) =>
    t.db.query(`UPDATE ${table} SET ${column} = now() - interval '10 days' WHERE ${table === 'messages' ? 'id' : 'message_id'} = ANY($1::uuid[])`, [ids]);
  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query<{ n: number }>(sql, params))[0]!.n);

  /** Housekeeping with only what retention uses; the other dependencies must not be touched. */
  const retention = (retentionMs: number) =>
    createHousekeeping({ db: t.db, node: 'test-node', retentionMs } as unknown as HousekeepingDeps);

  it('drops old consumed messages and old events, keeps recent ones and old messages still waiting in a queue', async () => {
    const { broker } = t;
    const publish = (body: string) => broker.publish(message('amq.default', 'work', body, { correlationId: `c-${body}` }));
    const consumed = await publish('old-consumed');
    await broker.ack('work', [(await receiveOne(broker, 'work')).receipt]);
    const waiting = await publish('old-waiting');
    const fresh = await publish('recent');
    await age('messages', 'published_at', [consumed.id, waiting.id]);
    await age('events', 'at', [consumed.id]);
    await t.db.query(`UPDATE message_counts SET minute = minute - interval '10 days'`);
    await broker.publish(message('amq.default', 'work', 'counted now'));
    await t.db.query(
      `INSERT INTO queue_depth_samples (queue, at, ready, in_flight, delayed) VALUES ('work', now() - interval '10 days', 1, 0, 0), ('work', now(), 2, 0, 0)`,
    );
    const eventsBefore = await count('SELECT count(*)::int AS n FROM events WHERE message_id = $1', [consumed.id]);
    expect(eventsBefore).toBe(2); // delivered, acked

    const removed = await retentionSweep(t.db, { retentionMs: 7 * DAY });
    // 1 message + 2 events + 1 sample + 1 message_counts row
    expect(removed).toBe(5);

    await expectCode(broker.getMessage(consumed.id), 'message_not_found');
    expect(await count('SELECT count(*)::int AS n FROM events WHERE message_id = $1', [consumed.id])).toBe(0);
    expect((await broker.trace('c-old-consumed')).events).toEqual([]);
    // The old message that still waits is kept and still deliverable, as is the recent one.
    expect((await broker.getMessage(waiting.id)).entries).toEqual([{ queue: 'work', state: 'ready', attempt: 0, death: null }]);
    expect(await broker.getMessage(fresh.id)).toMatchObject({ id: fresh.id });
    const delivered = await broker.receive('work', { max: 10, waitMs: 0 });
    expect(delivered.map((d) => str(d.body))).toEqual(['old-waiting', 'recent', 'counted now']);
    expect(await count(`SELECT count(*)::int AS n FROM queue_depth_samples WHERE at < now() - interval '1 day'`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM queue_depth_samples WHERE ready = 2`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM message_counts`)).toBe(1);
    // Nothing old is left: a second sweep removes nothing.
    expect(await retentionSweep(t.db, { retentionMs: 7 * DAY })).toBe(0);
  });

  it('keeps old dead letters (they wait in a DLQ) until replayed or discarded', async () => {
    const { broker } = t;
    const dead = await broker.publish(message('amq.default', 'work', 'poison'));
    await broker.nack('work', [(await receiveOne(broker, 'work')).receipt], { requeue: false, error: 'bad' });
    await age('messages', 'published_at', [dead.id]);
    await age('events', 'at', [dead.id]);
    expect(await retentionSweep(t.db, { retentionMs: 7 * DAY })).toBe(3); // delivered, nacked, dead_lettered events
    const inDlq = await receiveOne(broker, 'work.dlq');
    expect(inDlq).toMatchObject({ id: dead.id, death: { reason: 'rejected', lastError: 'bad' } });
    expect(await broker.discard('work.dlq', [dead.id])).toEqual({ discarded: 0 }); // leased now: not discarded
    await broker.ack('work.dlq', [inDlq.receipt]);
    // Consumed from the DLQ, the old message goes; its new (delivered, acked) events are recent and stay.
    expect(await retentionSweep(t.db, { retentionMs: 7 * DAY })).toBe(1);
    await expectCode(broker.getMessage(dead.id), 'message_not_found');
    expect(await count('SELECT count(*)::int AS n FROM events WHERE message_id = $1', [dead.id])).toBe(2);
  });

  it('housekeeping retain works through a large backlog in bounded batches', async () => {
    const { broker } = t;
    const kept = await broker.publish(message('amq.default', 'work', 'kept'));
    await t.db.query(
      `INSERT INTO events (at, type, message_id, queue, node, attempt)
       SELECT now() - interval '10 days', 'delivered', gen_random_uuid(), 'work', 'old-node', 1 FROM generate_series(1, 12000)`,
    );
    const removed = await retention(7 * DAY).retain();
    expect(removed).toBe(12000);
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE node = 'old-node'`)).toBe(0);
    expect(await broker.getMessage(kept.id)).toMatchObject({ id: kept.id });
    expect(await retention(7 * DAY).retain()).toBe(0);
  });

  it.runIf(driver === 'postgres')('runs on one node at a time: while another holds the retention lock, it removes nothing', async () => {
    const old = await t.broker.publish(message('amq.default', 'work', 'x'));
    await t.broker.ack('work', [(await receiveOne(t.broker, 'work')).receipt]);
    await age('messages', 'published_at', [old.id]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.db.tx(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x48617402]);
      locked();
      await held;
    });
    await isLocked;
    try {
      expect(await retention(7 * DAY).retain()).toBe(0);
    } finally {
      release();
      await holder;
    }
    expect(await retention(7 * DAY).retain()).toBe(1);
  });
});

describe.each(drivers)('vacuum on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareQueue('work', {});
  });
  afterEach(async () => t.close());

  /** The planner's row count for queue_entries, which only VACUUM and ANALYZE write. */
  const plannerRows = async () => Number((await t.db.query<{ n: number }>(`SELECT reltuples::int8 AS n FROM pg_class WHERE relname = 'queue_entries'`))[0]!.n);
  const entries = async () => Number((await t.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM queue_entries'))[0]!.n);
  const vacuum = (isLeader?: () => boolean) =>
    createHousekeeping({ db: t.db, node: 'test-node', isLeader } as unknown as HousekeepingDeps).vacuum();

  it('vacuums and analyzes the queue tables where no autovacuum runs, on the leader only', async () => {
    const missing = await autovacuumMissing(t.db);
    if (driver === 'pglite') expect(missing).toBe(true);
    const [setting] = await t.db.query<{ av: string }>(`SELECT current_setting('autovacuum') AS av`);
    if (driver === 'postgres') expect(missing).toBe(setting!.av === 'off');

    for (let i = 0; i < 37; i++) await t.broker.publish(message('amq.default', 'work', `m${i}`));
    const live = await entries();
    expect(await vacuum(() => false)).toBe(false); // a follower leaves it to the leader
    if (missing) expect(await plannerRows()).not.toBe(live);
    expect(await vacuum()).toBe(missing);
    // Where this node vacuumed, the planner now knows the table's size; elsewhere autovacuum does.
    if (missing) expect(await plannerRows()).toBe(live);
  });
});
