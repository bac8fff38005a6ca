import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, type TestBroker } from '../../test/broker';
import { depth, rejectEach } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Durability } from './types';

/**
 * A replay moves dead letters: its source is a dead-letter queue, and what it cannot send back
 * to an origin it says, rather than leave it behind without a word.
 */
describe.each(drivers)('what a replay takes from on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it.each(['durable', 'memory'] as Durability[])('a %s work queue is no source: 400, and its messages stay for their consumers', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('work', { durability });
    await broker.declareQueue('other', { durability });
    for (const body of ['a', 'b', 'c']) await broker.publish(message('amq.default', 'work', body));
    for (const request of [{ all: true as const }, { all: true as const, target: { queue: 'other' } }]) {
      await expect(broker.replay('work', request)).rejects.toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining("'work' is not a dead-letter queue"),
        details: { queue: 'work' },
      });
    }
    expect(await depth(broker, 'work')).toEqual({ ready: 3, inFlight: 0, delayed: 0 });
    expect(await depth(broker, 'other')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it.each(['durable', 'memory'] as Durability[])(
    'a %s queue that holds dead letters is one, though no queue dead-letters into it any more',
    async (durability) => {
      const { broker } = t;
      await broker.declareExchange('dlx', 'fanout');
      await broker.declareQueue('parking', { durability });
      await broker.bind({ exchange: 'dlx', queue: 'parking', key: '' });
      await broker.declareQueue('jobs', { durability, deadLetter: { exchange: 'dlx' } });
      await rejectEach(broker, { exchange: 'amq.default', key: 'jobs', queue: 'jobs' }, ['boom']);
      await broker.declareQueue('later', { durability });
      await broker.unbind({ exchange: 'dlx', queue: 'parking', key: '' });
      expect(await broker.replay('parking', { all: true, target: { queue: 'later' } })).toMatchObject({ replayed: 1 });
    },
  );

  it.each(['durable', 'memory'] as Durability[])('to origin, an entry of a %s DLQ with no death record stays and is counted', async (durability) => {
    const { broker } = t;
    await broker.declareQueue('work', { durability });
    await rejectEach(broker, { exchange: 'amq.default', key: 'work', queue: 'work' }, ['boom', 'bang']);
    await broker.publish(message('amq.default', 'work.dlq', 'put here by hand'));
    const answer = await broker.replay('work.dlq', { all: true });
    expect(answer).toMatchObject({ replayed: 2, skipped: { noOrigin: 1 } });
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
    // only such entries: nothing moves, and the answer says why
    expect(await broker.replay('work.dlq', { all: true })).toMatchObject({ replayed: 0, skipped: { noOrigin: 1 } });
  });
});
