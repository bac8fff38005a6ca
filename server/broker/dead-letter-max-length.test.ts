import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { deadLetteredEvents, depth, drain } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { DEFAULT_EXCHANGE } from './names';
import type { Durability } from './types';

/** A dead-letter queue's own maxLength holds for the dead letters that arrive in it, on both tiers. */
describe.each(drivers)('a dead-letter queue with a max length, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  for (const durability of ['durable', 'memory'] as Durability[]) {
    it(`keeps its newest entries when rejections pass it (${durability})`, async () => {
      const { broker } = t;
      await broker.declareQueue('w', { durability });
      await broker.declareQueue('w.dlq', { durability, deadLetter: false, maxLength: 2 });
      for (const body of ['a', 'b', 'c', 'd']) {
        await broker.publish(message(DEFAULT_EXCHANGE, 'w', body));
        const [d] = await drain(broker, 'w');
        await broker.nack('w', [d!.receipt], { requeue: false, error: `bad ${body}` });
      }
      expect(await depth(broker, 'w.dlq')).toMatchObject({ ready: 2 });
      const kept = await drain(broker, 'w.dlq');
      expect(kept.map((m) => str(m.body)).sort()).toEqual(['c', 'd']);
      if (durability === 'durable') {
        const dropped = await deadLetteredEvents(t.db, 'w.dlq');
        expect(dropped.map((e) => [e.detail.reason, e.detail.dropped])).toEqual([
          ['max_length', true],
          ['max_length', true],
        ]);
      }
    });
  }
});
