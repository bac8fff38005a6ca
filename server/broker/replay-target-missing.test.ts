import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { depth, rejectEach } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';

/** A replay into a queue or through an exchange that does not exist is refused the same way on either tier, and nothing moves. */
describe.each(drivers)('a replay to a missing target on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it.each(['durable', 'memory'] as const)('from a %s DLQ is 404 replay_target_not_found, for a queue and for an exchange', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('rf', { durability });
    await rejectEach(broker, { exchange: 'amq.default', key: 'rf', queue: 'rf' }, ['boom']);
    await expect(broker.replay('rf.dlq', { all: true, target: { queue: 'nosuch' } })).rejects.toMatchObject({
      code: 'replay_target_not_found',
      message: "Replay target queue 'nosuch' does not exist",
      details: { queue: 'nosuch' },
    });
    await expect(broker.replay('rf.dlq', { all: true, target: { exchange: 'nosuchx', routingKey: 'a' } })).rejects.toMatchObject({
      code: 'replay_target_not_found',
      message: "Replay target exchange 'nosuchx' does not exist",
      details: { exchange: 'nosuchx' },
    });
    expect(await depth(broker, 'rf.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
  });
});
