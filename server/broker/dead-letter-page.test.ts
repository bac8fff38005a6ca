import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { rejectEach } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { DeadLetterPageQuery } from './pg/dead-letter-page';
import type { Durability } from './types';

/**
 * The console's page of a DLQ is in the order dead letters arrived there, whatever consumers of
 * the DLQ have done to them since: a lease, a nack or a lease that ran out moves an entry's turn
 * for delivery, not the time it died.
 */
describe.each(drivers)('dead-letter page order on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const ids = async (order: DeadLetterPageQuery['order'], limit = 10) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await t.broker.deadLetterPage('work.dlq', { order, limit, cursor });
      seen.push(...page.entries.map((e) => e.id));
      if (!page.nextCursor) return seen;
      cursor = page.nextCursor;
    }
  };

  it.each(['durable', 'memory'] as Durability[])('on the %s tier, newest and oldest first by arrival, while a consumer holds or has held some', async (durability) => {
    const { broker } = t;
    await broker.declareExchange('orders', 'direct');
    await broker.declareQueue('work', { durability });
    await broker.bind({ exchange: 'orders', queue: 'work', key: 'k' });
    const died: string[] = [];
    for (const error of ['first', 'second', 'third', 'fourth']) {
      died.push(...(await rejectEach(broker, { exchange: 'orders', key: 'k', queue: 'work' }, [error])));
      await sleep(5); // distinct arrival times on every tier
    }
    const [a, b, c, d] = died;
    // A consumer of the DLQ holds the oldest two for a minute, gives the first back (after the
    // others in delivery order, with the DLQ's retry backoff) and keeps the second.
    const held = await broker.receive('work.dlq', { max: 2, waitMs: 0, visibilityMs: 60_000 });
    expect(held.map((h) => h.id)).toEqual([a, b]);
    await broker.nack('work.dlq', [held[0]!.receipt], { requeue: true });

    expect(await ids('oldest')).toEqual([a, b, c, d]);
    expect(await ids('newest')).toEqual([d, c, b, a]);
    expect(await ids('oldest', 1)).toEqual([a, b, c, d]);
    expect(await ids('newest', 3)).toEqual([d, c, b, a]);

    // One that arrives later is newest, though it is ready before the held one comes back.
    const [e] = await rejectEach(broker, { exchange: 'orders', key: 'k', queue: 'work' }, ['fifth']);
    expect(await ids('newest', 2)).toEqual([e, d, c, b, a]);
    const page = await broker.deadLetterPage('work.dlq', { order: 'oldest', limit: 10 });
    expect(page.entries.map((x) => x.id)).toEqual([a, b, c, d, e]);
    expect(page.entries.map((x) => x.state)).toEqual([expect.not.stringMatching('in_flight'), 'in_flight', 'ready', 'ready', 'ready']);
  });

  it('a message published straight into the DLQ has its place by arrival too', async () => {
    const { broker } = t;
    await broker.declareExchange('orders', 'direct');
    await broker.declareQueue('work', {});
    await broker.bind({ exchange: 'orders', queue: 'work', key: 'k' });
    const [a] = await rejectEach(broker, { exchange: 'orders', key: 'k', queue: 'work' }, ['first']);
    await sleep(5);
    const direct = await broker.publish(message('amq.default', 'work.dlq', 'put here by hand'));
    await sleep(5);
    const [c] = await rejectEach(broker, { exchange: 'orders', key: 'k', queue: 'work' }, ['third']);
    expect(await ids('oldest', 1)).toEqual([a, direct.id, c]);
    expect(await ids('newest', 2)).toEqual([c, direct.id, a]);
  });
});
