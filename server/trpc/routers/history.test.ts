import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../../test/databases';
import { startTestBroker, type TestBroker } from '../../../test/broker';
import { consoleCaller } from '../../../test/console-caller';
import { boundedReplayTo } from '../../../components/history/replay-range';

describe.each(drivers)('history.replayCount readAt on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(() => t.close());

  it('answers when it counted, and a replay bounded by it leaves what was published later', async () => {
    const api = consoleCaller(t.broker, driver);
    const publish = () => t.broker.publish({ exchange: 'billing', routingKey: 'k', body: new TextEncoder().encode('{}'), contentType: 'application/json', headers: {} });
    await t.broker.declareExchange('billing', 'direct');
    await t.broker.declareQueue('ledger', {});
    await t.broker.declareQueue('rebuild', {});
    await t.broker.bind({ exchange: 'billing', queue: 'ledger', key: 'k' });
    for (let i = 0; i < 3; i++) await publish();
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const range = { exchange: 'billing', from: new Date(minute - 60 * 60_000).toISOString(), to: new Date(minute + 120_000).toISOString() };

    const before = Date.now();
    const counted = await api.history.replayCount(range);
    expect(counted.count).toBe(3);
    const readAt = Date.parse(counted.readAt);
    expect(readAt).toBeGreaterThanOrEqual(before - 1);
    expect(readAt).toBeLessThanOrEqual(Date.now());

    // Published after the count: the confirmed replay must not take it.
    await new Promise((r) => setTimeout(r, 5));
    await publish();
    const to = boundedReplayTo(range.to, counted.readAt);
    expect(await api.history.replay({ ...range, to, target: { queue: 'rebuild' } })).toEqual({ replayed: 3 });
  });
});
