import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { expectCode } from '../../test/broker-helpers';
import { consoleCaller, type ConsoleCaller } from '../../test/console-caller';

/** The console's first trend: every queue's stored depth samples of the last half minute, oldest first. */
describe.each(drivers)('queues.recentDepths on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = consoleCaller(t.broker, driver);
  });
  afterEach(() => t.close());

  const sample = (queue: string, agoMs: number, ready: number, inFlight = 0, delayed = 0) =>
    t.db.query(
      `INSERT INTO queue_depth_samples (queue, at, ready, in_flight, delayed) VALUES ($1, now() - $2::int8 * interval '1 millisecond', $3, $4, $5)`,
      [queue, agoMs, ready, inFlight, delayed],
    );

  it('gives each queue its samples of the last 30 s as total depths, oldest first, and leaves older ones out', async () => {
    // names no queue has, so the broker's own sampler adds nothing to them
    await sample('shipping-x', 5_000, 30, 2, 1);
    await sample('shipping-x', 25_000, 10);
    await sample('shipping-x', 15_000, 20, 1);
    await sample('shipping-x', 45_000, 99); // older than the window
    await sample('quiet-x', 10_000, 0);
    const recent = (await api.queues.recentDepths()).filter((r) => r.queue.endsWith('-x'));
    expect(recent).toEqual([
      { queue: 'quiet-x', depths: [0] },
      { queue: 'shipping-x', depths: [10, 21, 33] },
    ]);
  });

  it('refuses a window outside 1 ms to an hour', async () => {
    await expectCode(t.broker.recentDepths(0), 'validation_failed');
    await expectCode(t.broker.recentDepths(3_600_001), 'validation_failed');
  });
});
