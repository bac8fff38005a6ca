import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Durability } from './types';

/**
 * `lease_expired` is stamped with the time the lease ran out, not the time a later receive or the
 * sweep noticed it: a trace shows when the consumer's time was up.
 */
describe.each(drivers)('when a lease expired, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    // No sweep on a timer: the test runs it when it wants the spent lease noticed.
    t = await startTestBroker(driver, { sweepIntervalMs: 3_600_000 });
  });
  afterEach(async () => t.close());

  const stamps = async (id: string) =>
    (await t.db.query<{ type: string; at: Date; attempt: number }>('SELECT type, at, attempt FROM events WHERE message_id = $1 ORDER BY at, id', [id])).map((e) => ({
      type: e.type,
      at: new Date(e.at).getTime(),
      attempt: e.attempt,
    }));

  it.each(['durable', 'memory'] as Durability[])('on the %s tier: noticed by the next receive, and by the sweep of a spent lease', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('slow', { durability, maxDeliveries: 2, retry: { initialDelayMs: 0, jitter: 0 } });
    const { id } = await broker.publish(message('amq.default', 'slow', 'x'));
    await receiveOne(broker, 'slow', { visibilityMs: 200 });
    await sleep(1200);
    await receiveOne(broker, 'slow', { visibilityMs: 200 }); // notices the first lease's end, 1 s late
    // The second (last) lease runs out; the sweep notices it a second later and dead-letters it.
    await sleep(1200);
    await broker.sweep();
    const events = await waitFor(async () => {
      const e = await stamps(id);
      return e.filter((x) => x.type === 'lease_expired').length === 2 && e.some((x) => x.type === 'dead_lettered') ? e : null;
    }, 8000);
    const [first, second] = events.filter((e) => e.type === 'delivered');
    const [expired1, expired2] = events.filter((e) => e.type === 'lease_expired');
    expect(expired1!.attempt).toBe(1);
    // the first lease ended 200 ms after its delivery, long before the second receive
    expect(expired1!.at - first!.at).toBeGreaterThanOrEqual(150);
    expect(expired1!.at - first!.at).toBeLessThan(700);
    expect(second!.at - expired1!.at).toBeGreaterThan(500);
    expect(expired2!.at - second!.at).toBeGreaterThanOrEqual(150);
    expect(expired2!.at - second!.at).toBeLessThan(700);
    const dead = events.find((e) => e.type === 'dead_lettered')!;
    expect(dead.at - second!.at).toBeGreaterThan(1000); // the sweep came late, the stamp did not
  });
});
