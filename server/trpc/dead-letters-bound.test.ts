import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { drain } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { consoleCaller, type ConsoleCaller } from '../../test/console-caller';

/** The dashboard's page → confirm → replay round trip replays what the page previewed, not what matches at click time. */
describe.each(drivers)('a dead-letter replay bounded by its page on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = consoleCaller(t.broker, driver);
  });
  afterEach(() => t.close());

  for (const durability of ['durable', 'memory'] as const) {
    describe(`a ${durability} DLQ`, () => {
      beforeEach(async () => {
        await t.broker.declareExchange('orders', 'topic');
        await t.broker.declareQueue('work', { durability });
        await t.broker.bind({ exchange: 'orders', queue: 'work', key: 'order.*' });
      });

      async function die(...errors: string[]): Promise<string[]> {
        const ids: string[] = [];
        for (const [i, error] of errors.entries()) ids.push((await t.broker.publish(message('orders', 'order.x', `body ${i}`))).id);
        const leased = await drain(t.broker, 'work');
        for (const d of leased) await t.broker.nack('work', [d.receipt], { requeue: false, error: errors[ids.indexOf(d.id)]! });
        return ids;
      }

      it('a filtered replay sent with the page read time moves what the page counted', async () => {
        await die('Timeout 1', 'bad input', 'Timeout 2');
        const page = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50, filter: { error: 'timeout' } });
        expect(page.matching).toBe(2);
        expect(Number.isNaN(Date.parse(page.readAt))).toBe(false);
        await sleep(5);
        const [late] = await die('Timeout 3'); // arrives while the operator reads the confirm dialog

        const r = await api.deadLetters.replay({ dlq: 'work.dlq', filter: { error: 'timeout', arrivedBy: page.readAt } });
        expect(r).toMatchObject({ replayed: page.matching, more: false });
        const after = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50, filter: { error: 'timeout' } });
        expect(after.messages.map((m) => m.id)).toEqual([late]);
      });

      it('"replay all" sent with the page read time leaves later arrivals', async () => {
        await die('e1', 'e2', 'e3');
        const page = await api.deadLetters.page({ dlq: 'work.dlq', limit: 1 });
        expect(page.matching).toBe(3);
        await sleep(5);
        const [late] = await die('e4');
        expect(await api.deadLetters.replay({ dlq: 'work.dlq', all: true, filter: { arrivedBy: page.readAt } })).toMatchObject({ replayed: 3 });
        const after = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50 });
        expect(after.messages.map((m) => m.id)).toEqual([late]);
        expect(after.total).toBe(1);
      });

      it('a previewed dead letter discarded before the click is not replaced by a later one', async () => {
        const [first] = await die('e1', 'e2');
        const page = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50 });
        expect(page.matching).toBe(2);
        await api.deadLetters.discard({ dlq: 'work.dlq', ids: [first!] });
        await sleep(5);
        const [late] = await die('e3');
        // 1 of the 2 confirmed moves; the dashboard says the other was gone (replay-outcome.ts)
        expect(await api.deadLetters.replay({ dlq: 'work.dlq', all: true, filter: { arrivedBy: page.readAt } })).toMatchObject({ replayed: 1 });
        expect((await api.deadLetters.page({ dlq: 'work.dlq', limit: 50 })).messages.map((m) => m.id)).toEqual([late]);
      });
    });
  }

  it('refuses a bound that is not a time', async () => {
    await t.broker.declareQueue('work', {});
    await expect(api.deadLetters.replay({ dlq: 'work.dlq', all: true, filter: { arrivedBy: 'yesterday' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
