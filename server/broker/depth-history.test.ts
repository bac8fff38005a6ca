import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { drivers } from '../../test/databases';
import { queueDepthHistory } from './pg/queue-depth';

/** A depth-history read of more samples than it answers thins them by time, keeping the newest and the peaks. */
describe.each(drivers)('depth history over a long range, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver, { sampleIntervalMs: 3_600_000 });
  });
  afterEach(async () => t.close());

  it('100 samples read as at most 10 slices: the first time of each, its highest figures, the newest included', async () => {
    const start = Date.parse('2026-11-30T00:00:00Z');
    // one sample a second; ready climbs 0..99, with one spike of 5,000 at second 42
    await t.db.query(
      `INSERT INTO queue_depth_samples (queue, at, ready, in_flight, delayed, oldest_ready_age_ms)
       SELECT 'deep', to_timestamp($1::float8 / 1000 + i), CASE WHEN i = 42 THEN 5000 ELSE i END, 1, 0, i * 1000 FROM generate_series(0, 99) AS i`,
      [start],
    );
    const from = new Date(start);
    const to = new Date(start + 99_000);
    const all = await queueDepthHistory(t.db, { queue: 'deep', from, to });
    expect(all).toHaveLength(100);
    const thin = await queueDepthHistory(t.db, { queue: 'deep', from, to, max: 10 });
    expect(thin.length).toBeLessThanOrEqual(10);
    expect(thin[0]!.at.getTime()).toBe(start);
    expect(thin.at(-1)!.ready).toBe(99); // the newest is there
    expect(Math.max(...thin.map((s) => s.ready))).toBe(5000); // and the spike
    expect(thin.at(-1)!.oldestReadyAgeMs).toBe(99_000);
  });
});
