import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { depth, rejectEach } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { uuidv7 } from './ids';

/** A replay by ids answers for every id: those it could not move because they are not in the DLQ, or a consumer holds them, are named. */
describe.each(drivers)('a replay by ids on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it.each(['durable', 'memory'] as const)('from a %s DLQ names the ids not found and those held by a consumer', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('ids', { durability });
    const [a, b] = await rejectEach(broker, { exchange: 'amq.default', key: 'ids', queue: 'ids' }, ['boom a', 'boom b']);
    const [held] = await broker.receive('ids.dlq', { max: 1, waitMs: 0, visibilityMs: 60_000 });
    const leased = held!.id;
    const free = leased === a ? b! : a!;
    const ghost = uuidv7(); // in no queue at all
    const waiting = (await broker.publish({ exchange: 'amq.default', routingKey: 'ids', body: new Uint8Array([1]), headers: {}, contentType: 'text/plain' })).id; // in 'ids', not in its DLQ
    expect(await broker.replay('ids.dlq', { ids: [free, leased, ghost, waiting, ghost] })).toEqual({
      replayed: 1,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [ghost, waiting], leased: [leased], busy: [] },
      more: false,
    });
    expect(await depth(broker, 'ids.dlq')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    // Nothing movable asked for: the answer still says why, and nothing moved.
    expect(await broker.replay('ids.dlq', { ids: [leased, free] })).toEqual({
      replayed: 0,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [free], leased: [leased], busy: [] },
      more: false,
    });
    // Without ids: the matching dead letters a consumer holds are named, notFound and busy are empty.
    expect(await broker.replay('ids.dlq', { all: true })).toEqual({
      replayed: 0,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [leased], busy: [] },
      more: false,
    });
  });
});

/** Only PostgreSQL runs two transactions at once: PGlite has one connection, so no replay ever finds another's locks. */
describe.skipIf(!drivers.includes('postgres'))('a replay by ids while another moves them, on postgres', () => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker('postgres');
  });
  afterEach(async () => t.close());

  it('names the ids another transaction holds locked as busy, moves the rest, and moves them once they are free', async () => {
    const { broker, db } = t;
    await broker.declareQueue('locked', {});
    const [a, b] = await rejectEach(broker, { exchange: 'amq.default', key: 'locked', queue: 'locked' }, ['boom a', 'boom b']);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Stands for a concurrent replay or discard: it holds a's DLQ entry locked until released.
    const other = db.tx(async (q) => {
      await q.query('SELECT id FROM queue_entries WHERE queue = $1 AND message_id = $2 FOR UPDATE', ['locked.dlq', a]);
      locked();
      await released;
    });
    await isLocked;
    expect(await broker.replay('locked.dlq', { ids: [a!, b!] })).toEqual({
      replayed: 1,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [a] },
      more: false,
    });
    release();
    await other;
    expect((await broker.replay('locked.dlq', { ids: [a!, b!] })).skipped).toMatchObject({ notFound: [b], busy: [] });
    expect(await depth(broker, 'locked')).toEqual({ ready: 2, inFlight: 0, delayed: 0 });
  });
});
