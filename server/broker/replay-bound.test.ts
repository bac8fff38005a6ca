import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { drain, expectCode, declareOrdersToWork, rejectIntoWorkDlq } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';

/**
 * A replay bounded by a preview (`filter.arrivedBy`, the page's `readAt`) moves only what was in
 * the DLQ when the preview was read: a matching dead letter that arrives later stays.
 */
describe.each(drivers)('a replay bounded by its preview on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  for (const durability of ['durable', 'memory'] as const) {
    describe(`a ${durability} DLQ`, () => {
      beforeEach(() => declareOrdersToWork(t.broker, durability));
      const die = (...errors: string[]) => rejectIntoWorkDlq(t.broker, ...errors);

      it('a filtered replay leaves a matching dead letter that arrived after the preview', async () => {
        const early = await die('timeout a', 'bad input', 'timeout b');
        const preview = await t.broker.deadLetterPage('work.dlq', { order: 'newest', limit: 50, filter: { error: 'timeout' } });
        expect(preview.matching).toBe(2);
        expect(typeof preview.readAt).toBe('string');
        await sleep(5);
        const [late] = await die('timeout c');

        const result = await t.broker.replay('work.dlq', { filter: { error: 'timeout', arrivedBy: new Date(preview.readAt) } });
        expect(result).toMatchObject({ replayed: 2, more: false });
        const left = (await drain(t.broker, 'work.dlq')).map((d) => d.id).sort();
        expect(left).toEqual([early[1]!, late!].sort());
      });

      it('all: true with the bound leaves what arrived after the preview', async () => {
        await die('e1', 'e2');
        const preview = await t.broker.deadLetterPage('work.dlq', { order: 'oldest', limit: 1 });
        expect(preview.matching).toBe(2);
        await sleep(5);
        const [late] = await die('e3');
        expect(await t.broker.replay('work.dlq', { all: true, filter: { arrivedBy: new Date(preview.readAt) } })).toMatchObject({ replayed: 2 });
        expect((await drain(t.broker, 'work.dlq')).map((d) => d.id)).toEqual([late]);
      });

      it('the bound keeps a time window: from/to narrow it further', async () => {
        await die('e1');
        await sleep(5);
        const mid = new Date();
        await sleep(5);
        await die('e2');
        const preview = await t.broker.deadLetterPage('work.dlq', { order: 'newest', limit: 50 });
        await sleep(5);
        await die('e3');
        expect(await t.broker.replay('work.dlq', { filter: { from: mid, arrivedBy: new Date(preview.readAt) } })).toMatchObject({ replayed: 1 });
        expect((await t.broker.queueInfo('work.dlq')).ready).toBe(2);
      });

      it('refuses a bound that is not a time', async () => {
        await die('e1');
        await expectCode(t.broker.replay('work.dlq', { all: true, filter: { arrivedBy: new Date('nonsense') } }), 'validation_failed');
        expect((await t.broker.queueInfo('work.dlq')).ready).toBe(1);
      });
    });
  }
});
