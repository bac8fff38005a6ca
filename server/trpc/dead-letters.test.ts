import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { uuidv7 } from '../broker/ids';
import { sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { declareOrdersToWork, rejectIntoWorkDlq } from '../../test/broker-helpers';
import { consoleCaller, type ConsoleCaller } from '../../test/console-caller';


describe.each(drivers)('dead-letter pages on %s', (driver) => {
  let t: TestBroker;
  let api: ConsoleCaller;

  beforeEach(async () => {
    t = await startTestBroker(driver);
    api = consoleCaller(t.broker, driver);
  });
  afterEach(() => t.close());

  /** Five dead letters in work.dlq, dying one after the other: 3 by max deliveries (timeouts), 2 rejected. */
  async function fiveDead(durability: 'durable' | 'memory') {
    await t.broker.declareExchange('orders', 'topic');
    await t.broker.declareQueue('work', { maxDeliveries: 1, durability });
    await t.broker.bind({ exchange: 'orders', queue: 'work', key: '#' });
    const died: string[] = [];
    for (const [i, key] of ['order.created', 'order.paid', 'order.created', 'order.paid', 'order.created'].entries()) {
      const sent = await t.broker.publish({ exchange: 'orders', routingKey: key, body: new TextEncoder().encode(`m${i}`), headers: {}, contentType: 'text/plain' });
      const [d] = await t.broker.receive('work', { max: 1, waitMs: 0 });
      expect(d!.id).toBe(sent.id);
      if (i % 2 === 0) await t.broker.nack('work', [d!.receipt], { error: `Timeout #${i}` });
      else await t.broker.nack('work', [d!.receipt], { error: 'bad input', requeue: false });
      died.push(sent.id);
      await new Promise((r) => setTimeout(r, 5)); // distinct death times
    }
    return died;
  }

  for (const durability of ['durable', 'memory'] as const) {
    describe(`a ${durability} DLQ`, () => {
      it('pages newest first with a cursor, and counts reasons over the whole queue', async () => {
        const died = await fiveDead(durability);
        const first = await api.deadLetters.page({ dlq: 'work.dlq', order: 'newest', limit: 2 });
        expect(first.messages.map((m) => m.id)).toEqual([died[4], died[3]]);
        expect(first.total).toBe(5);
        expect(first.matching).toBe(5);
        expect(first.counts).toEqual([
          { reason: 'max_deliveries', origin: 'work', count: 3 },
          { reason: 'rejected', origin: 'work', count: 2 },
        ]);
        const second = await api.deadLetters.page({ dlq: 'work.dlq', order: 'newest', limit: 2, cursor: first.nextCursor! });
        expect(second.messages.map((m) => m.id)).toEqual([died[2], died[1]]);
        const third = await api.deadLetters.page({ dlq: 'work.dlq', order: 'newest', limit: 2, cursor: second.nextCursor! });
        expect(third.messages.map((m) => m.id)).toEqual([died[0]]);
        expect(third.nextCursor).toBeNull();

        const oldest = await api.deadLetters.page({ dlq: 'work.dlq', order: 'oldest', limit: 3 });
        expect(oldest.messages.map((m) => m.id)).toEqual(died.slice(0, 3));
        const rest = await api.deadLetters.page({ dlq: 'work.dlq', order: 'oldest', limit: 3, cursor: oldest.nextCursor! });
        expect(rest.messages.map((m) => m.id)).toEqual(died.slice(3));
        expect(rest.nextCursor).toBeNull();
      });

      it('filters rows and the matching count as a replay filters, and a replay moves that many', async () => {
        const died = await fiveDead(durability);
        const byError = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50, filter: { error: 'TIMEOUT' } });
        expect(byError.messages.map((m) => m.id)).toEqual([died[4], died[2], died[0]]);
        expect(byError.matching).toBe(3);
        expect(byError.total).toBe(5); // the counts stay those of the whole queue

        const both = await api.deadLetters.page({ dlq: 'work.dlq', limit: 1, filter: { routingKey: 'order.created', error: 'timeout #4' } });
        expect(both.messages.map((m) => m.id)).toEqual([died[4]]);
        expect(both.matching).toBe(1);

        const byKey = await api.deadLetters.page({ dlq: 'work.dlq', limit: 1, filter: { routingKey: 'order.paid' } });
        expect(byKey.matching).toBe(2);
        expect(byKey.messages).toHaveLength(1);
        expect(byKey.nextCursor).not.toBeNull();

        expect(await api.deadLetters.replay({ dlq: 'work.dlq', filter: { routingKey: 'order.paid' } })).toMatchObject({ replayed: byKey.matching });
        const after = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50 });
        expect(after.total).toBe(3);
        expect(after.counts).toEqual([{ reason: 'max_deliveries', origin: 'work', count: 3 }]);
      });

      it('does not count an entry a consumer holds as replayable', async () => {
        await fiveDead(durability);
        const [held] = await t.broker.receive('work.dlq', { max: 1, waitMs: 0, visibilityMs: 60_000 });
        expect(held).toBeDefined();
        const page = await api.deadLetters.page({ dlq: 'work.dlq', limit: 50 });
        expect(page.total).toBe(5);
        expect(page.matching).toBe(4);
        expect(page.messages.find((m) => m.id === held!.id)?.state).toBe('in_flight');
        expect(await api.deadLetters.replay({ dlq: 'work.dlq', all: true })).toMatchObject({ replayed: 4 });
      });

      it('names the ids it could not replay: held by a consumer, or not in the DLQ', async () => {
        const died = await fiveDead(durability);
        const [held] = await t.broker.receive('work.dlq', { max: 1, waitMs: 0, visibilityMs: 60_000 });
        const free = died.find((id) => id !== held!.id)!;
        const ghost = uuidv7();
        expect(await api.deadLetters.replay({ dlq: 'work.dlq', ids: [free, held!.id, ghost] })).toEqual({
          replayed: 1,
          skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [ghost], leased: [held!.id], busy: [] },
          more: false,
        });
      });
    });
  }

  it('cuts bodies in pages, lists only the DLQs, and refuses a cursor it did not give', async () => {
    await t.broker.declareQueue('big', { maxDeliveries: 1 });
    await t.broker.publish({ exchange: 'amq.default', routingKey: 'big', body: new Uint8Array(20_000).fill(65), headers: {}, contentType: 'text/plain' });
    const [d] = await t.broker.receive('big', { max: 1, waitMs: 0 });
    await t.broker.nack('big', [d!.receipt], { error: 'too big' });
    const page = await api.deadLetters.page({ dlq: 'big.dlq' });
    expect(page.messages[0]).toMatchObject({ size: 20_000, truncated: true });
    expect(Buffer.from(page.messages[0]!.body, 'base64').byteLength).toBeLessThan(20_000);
    expect((await api.deadLetters.queues()).map((q) => q.name)).toEqual(['big.dlq']);
    await expect(api.deadLetters.page({ dlq: 'big.dlq', cursor: 'nonsense' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.deadLetters.page({ dlq: 'missing.dlq' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  /** The dashboard's page → confirm → replay round trip replays what the page previewed, not what matches at click time. */
  describe('a replay bounded by its page', () => {
    for (const durability of ['durable', 'memory'] as const) {
      describe(`a ${durability} DLQ`, () => {
        beforeEach(() => declareOrdersToWork(t.broker, durability));
        const die = (...errors: string[]) => rejectIntoWorkDlq(t.broker, ...errors);

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
});
