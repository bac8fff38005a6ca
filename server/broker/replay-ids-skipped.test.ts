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
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [ghost, waiting], leased: [leased] },
      more: false,
    });
    expect(await depth(broker, 'ids.dlq')).toEqual({ ready: 0, inFlight: 1, delayed: 0 });
    // Nothing movable asked for: the answer still says why, and nothing moved.
    expect(await broker.replay('ids.dlq', { ids: [leased, free] })).toEqual({
      replayed: 0,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [free], leased: [leased] },
      more: false,
    });
    // Without ids there is nothing to name: the lists are empty.
    expect(await broker.replay('ids.dlq', { all: true })).toEqual({
      replayed: 0,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [] },
      more: false,
    });
  });
});
