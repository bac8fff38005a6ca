import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { message, sleep } from '../../test/broker';
import { drivers, openTestDb } from '../../test/databases';
import { createBroker } from './broker';
import type { Broker } from './api';

/**
 * A node whose LISTEN connection was lost missed the NOTIFYs sent meanwhile. When the driver
 * re-subscribes it calls back, and the broker wakes every long poll and reloads its topology.
 */
describe.each(drivers)('catch-up after a lost LISTEN on %s', (driver) => {
  let db: Db;
  const brokers: Broker[] = [];
  afterEach(async () => {
    for (const b of brokers.splice(0)) await b.stop();
    await db.close();
  });

  /**
   * Nodes A and B on one database. A's notifications can be dropped (`deaf`) and its
   * re-subscription triggered (`reconnect`) at will: what a lost LISTEN connection looks like.
   */
  async function twoNodes() {
    db = await openTestDb(driver);
    let deaf = false;
    const reconnects: (() => void)[] = [];
    const seenByA: Db = {
      ...db,
      listen: (channel, onPayload, onReconnect) => {
        if (onReconnect) reconnects.push(onReconnect);
        return db.listen(channel, (p) => !deaf && onPayload(p));
      },
    };
    // A's long polls never re-check on their own within a test: only a wake-up can end their wait early.
    const a = createBroker({ db: seenByA, node: 'a', sweepIntervalMs: 60_000, recheckMs: 60_000 });
    const b = createBroker({ db, node: 'b', sweepIntervalMs: 60_000 });
    brokers.push(a, b);
    await a.start();
    await b.start();
    return {
      a,
      b,
      setDeaf: (v: boolean) => (deaf = v),
      reconnect: () => reconnects.forEach((r) => r()),
    };
  }

  it('a long poll whose wake-up was missed is woken by the re-subscription, not by its own re-check', async () => {
    const { a, b, setDeaf, reconnect } = await twoNodes();
    await a.declareQueue('work', {});
    await sleep(50);

    // Its own re-check is 60 s away and its deadline 30 s: only a wake-up ends this wait early.
    const poll = a.receive('work', { max: 1, waitMs: 30_000 });
    let answered = false;
    void poll.then(() => (answered = true));
    await sleep(100);
    setDeaf(true); // A's listening connection is down
    await b.publish(message('amq.default', 'work', 'missed'));
    await sleep(300);
    expect(answered).toBe(false); // the wake-up was indeed missed
    setDeaf(false);
    reconnect(); // ... and comes back
    // Woken by the re-subscription within milliseconds; the next thing that could end the wait
    // otherwise (another node's periodic work, heard now that A listens again) comes seconds later.
    const got = await Promise.race([poll, sleep(3000).then(() => 'still waiting' as const)]);
    expect(got === 'still waiting' ? got : got.map((d) => new TextDecoder().decode(d.body))).toEqual(['missed']);
  });

  it('a topology change announced while deaf is picked up on re-subscription', async () => {
    const { a, b, setDeaf, reconnect } = await twoNodes();
    setDeaf(true);
    await b.declareQueue('late', {});
    await sleep(100);
    await expect(a.queueInfo('late')).rejects.toMatchObject({ code: 'queue_not_found' });
    setDeaf(false);
    reconnect();
    await expect.poll(() => a.queueInfo('late').then(() => true, () => false)).toBe(true);
  });
});
