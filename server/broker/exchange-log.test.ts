import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '.';
import { message, sleep, startTestBroker, str, type TestBroker } from '../../test/broker';
import { drain, expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { LoggedMessage } from './pg/exchange-log';
import type { PublishResult } from './types';

/**
 * Follows an exchange's log with after=nextAfter until told to stop and caught up; records every
 * message it sees. A small page size makes it interleave with the publishers many times.
 */
function follow(broker: Broker, exchange: string, pageSize: number) {
  const seen: LoggedMessage[] = [];
  let done = false;
  let polls = 0;
  const running = (async () => {
    let after = 0;
    for (;;) {
      const finishing = done; // read before the poll: a page read after the publishers finished must come back empty
      const page = await broker.exchangeLog(exchange, { after, limit: pageSize });
      polls++;
      seen.push(...page.messages);
      if (page.messages.length > 0) expect(page.nextAfter).toBe(page.messages[page.messages.length - 1]!.seq);
      else expect(page.nextAfter).toBe(after);
      after = page.nextAfter;
      if (page.messages.length === 0) {
        if (finishing) return;
        await sleep(5);
      }
    }
  })();
  return {
    seen,
    polls: () => polls,
    async finish() {
      done = true;
      await running;
      return seen;
    },
  };
}

/** `publishers` concurrent loops of `each` single publishes, plus `batches` batches of `batchSize`, all at once. */
async function publishConcurrently(
  brokers: Broker[],
  exchange: string,
  o: { publishers: number; each: number; batches: number; batchSize: number },
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  const singles = Array.from({ length: o.publishers }, async (_, p) => {
    const broker = brokers[p % brokers.length]!;
    for (let i = 0; i < o.each; i++) results.push(await broker.publish(message(exchange, `key.${p % 3}`, `p${p}-${i}`)));
  });
  const batches = Array.from({ length: o.batches }, async (_, b) => {
    const broker = brokers[b % brokers.length]!;
    const inputs = Array.from({ length: o.batchSize }, (_, i) => message(exchange, 'key.batch', `b${b}-${i}`));
    results.push(...(await broker.publishBatch(inputs)));
  });
  await Promise.all([...singles, ...batches]);
  return results;
}

function expectExactlyOnceInOrder(seen: LoggedMessage[], published: PublishResult[]) {
  const seqs = seen.map((m) => m.seq);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
  const ids = seen.map((m) => m.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(published.map((p) => p.id).sort());
}

describe.each(drivers)('exchange log on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('events', 'topic');
    await t.broker.declareQueue('events.all', {});
    await t.broker.bind({ exchange: 'events', queue: 'events.all', key: '#' });
  });
  afterEach(async () => t.close());

  it('a follower polling after=nextAfter during 8×50 concurrent publishes and batches sees each message once, in seq order', async () => {
    const follower = follow(t.broker, 'events', 37);
    const published = await publishConcurrently([t.broker], 'events', { publishers: 8, each: 50, batches: 4, batchSize: 25 });
    expect(published).toHaveLength(500);
    const seen = await follower.finish();
    expect(follower.polls()).toBeGreaterThan(5);
    expectExactlyOnceInOrder(seen, published);
    // Bodies and metadata come with the log entries.
    const sample = seen.find((m) => str(m.body) === 'p3-7')!;
    expect(sample).toMatchObject({ exchange: 'events', routingKey: 'key.0', contentType: 'text/plain' });
  });

  it('two brokers on one database publishing concurrently: the follower still sees every message once, in order', async () => {
    const second = createBroker({ db: t.db, node: 'test-node-2', sweepIntervalMs: 100 });
    await second.start();
    try {
      const follower = follow(second, 'events', 50);
      const published = await publishConcurrently([t.broker, second], 'events', { publishers: 8, each: 50, batches: 6, batchSize: 20 });
      expect(published).toHaveLength(520);
      expectExactlyOnceInOrder(await follower.finish(), published);
      // And both followers, on either node, read the same log.
      const fromFirst = await t.broker.exchangeLog('events', { after: 0, limit: 1000 });
      expect(fromFirst.messages.map((m) => m.id)).toEqual((await second.exchangeLog('events', { after: 0, limit: 1000 })).messages.map((m) => m.id));
    } finally {
      await second.stop();
    }
  });

  it('pages with after and limit, filters by routing key, and keeps other exchanges out', async () => {
    const { broker } = t;
    await broker.declareExchange('other', 'fanout');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await broker.publish(message('events', i % 2 === 0 ? 'even' : 'odd', `m${i}`))).id);
      await broker.publish(message('other', 'x', `noise ${i}`));
    }
    const first = await broker.exchangeLog('events', { after: 0, limit: 3 });
    expect(first.messages.map((m) => m.id)).toEqual(ids.slice(0, 3));
    const second = await broker.exchangeLog('events', { after: first.nextAfter, limit: 3 });
    expect(second.messages.map((m) => m.id)).toEqual(ids.slice(3, 6));
    const third = await broker.exchangeLog('events', { after: second.nextAfter, limit: 3 });
    expect(third.messages.map((m) => m.id)).toEqual(ids.slice(6));
    const empty = await broker.exchangeLog('events', { after: third.nextAfter, limit: 3 });
    expect(empty).toEqual({ messages: [], nextAfter: third.nextAfter });
    const odd = await broker.exchangeLog('events', { after: 0, limit: 100, routingKey: 'odd' });
    expect(odd.messages.map((m) => str(m.body))).toEqual(['m1', 'm3', 'm5']);
    // Unroutable messages are stored too: the log is the exchange's history, not its deliveries.
    await broker.declareExchange('lonely', 'direct');
    const lost = await broker.publish(message('lonely', 'nowhere', 'kept'));
    expect((await broker.exchangeLog('lonely', { after: 0, limit: 10 })).messages.map((m) => m.id)).toEqual([lost.id]);
    await expectCode(broker.exchangeLog('missing', { after: 0, limit: 10 }), 'exchange_not_found');
  });

  it('history counts messages and bytes per routing key; duplicates are not counted', async () => {
    const { broker } = t;
    for (let i = 0; i < 5; i++) await broker.publish(message('events', 'order.paid', 'x'.repeat(10)));
    await broker.publishBatch([1, 2, 3].map(() => message('events', 'order.shipped', 'y'.repeat(4))));
    await broker.publish(message('events', 'order.shipped', 'zz', { idempotencyKey: 'once' }));
    await broker.publish(message('events', 'order.shipped', 'zz', { idempotencyKey: 'once' }));
    const from = new Date(Date.now() - 3600_000);
    const to = new Date(Date.now() + 60_000);
    const byKey = await broker.exchangeHistory('events', { from, to, bucket: '1m', groupByRoutingKey: true });
    const total = (key: string | null, field: 'count' | 'bytes') =>
      byKey.filter((b) => b.routingKey === key).reduce((n, b) => n + b[field], 0);
    expect(total('order.paid', 'count')).toBe(5);
    expect(total('order.paid', 'bytes')).toBe(50);
    expect(total('order.shipped', 'count')).toBe(4);
    expect(total('order.shipped', 'bytes')).toBe(14);
    expect(new Set(byKey.map((b) => b.routingKey))).toEqual(new Set(['order.paid', 'order.shipped']));
    for (const b of byKey) expect(b.at.getTime() % 60_000).toBe(0);
    const all = await broker.exchangeHistory('events', { from, to, bucket: '1h', groupByRoutingKey: false });
    expect(all.every((b) => b.routingKey === null && b.at.getTime() % 3600_000 === 0)).toBe(true);
    expect(all.reduce((n, b) => n + b.count, 0)).toBe(9);
    expect(all.reduce((n, b) => n + b.bytes, 0)).toBe(64);
    const before = await broker.exchangeHistory('events', { from: new Date(Date.now() - 7200_000), to: new Date(Date.now() - 3600_000), bucket: '1m', groupByRoutingKey: true });
    expect(before).toEqual([]);
    await expectCode(broker.exchangeHistory('events', { from: to, to: from, bucket: '1m', groupByRoutingKey: true }), 'validation_failed');
  });

  it('exchange replay copies a time range into a queue, in order, with correlation IDs kept', async () => {
    const { broker } = t;
    await broker.declareQueue('rebuild', {});
    const publishGroup = async (tag: string) => {
      const out: PublishResult[] = [];
      for (let i = 0; i < 3; i++) out.push(await broker.publish(message('events', i === 2 ? 'skip.me' : 'keep.me', `${tag}${i}`, { correlationId: `${tag}-c${i}` })));
      return out;
    };
    await publishGroup('early');
    await sleep(30);
    const from = new Date();
    await sleep(5);
    const middle = await publishGroup('mid');
    await sleep(30);
    const to = new Date();
    await sleep(5);
    await publishGroup('late');

    expect(await broker.exchangeReplay('events', { from, to, target: { queue: 'rebuild' } })).toEqual({ replayed: 3 });
    const copies = await drain(broker, 'rebuild');
    expect(copies.map((c) => str(c.body))).toEqual(['mid0', 'mid1', 'mid2']);
    expect(copies.map((c) => c.correlationId)).toEqual(['mid-c0', 'mid-c1', 'mid-c2']);
    expect(copies.map((c) => c.routingKey)).toEqual(['keep.me', 'keep.me', 'skip.me']);
    expect(copies.every((c) => c.attempt === 1 && !middle.some((m) => m.id === c.id))).toBe(true);
    // Each copy is a new message linked to its original; the source exchange's log does not grow.
    const trace = await broker.trace('mid-c0');
    expect(trace.messages).toHaveLength(2);
    expect(trace.messages.find((m) => m.id !== middle[0]!.id)).toMatchObject({ replayOf: middle[0]!.id, routedTo: ['rebuild'] });
    const eventsLog = (await broker.exchangeLog('events', { after: 0, limit: 100 })).messages;
    expect(eventsLog).toHaveLength(9);
    expect(eventsLog.every((m) => m.replayOf === null)).toBe(true);

    // With a routing key filter only matching messages are copied.
    expect(await broker.exchangeReplay('events', { from, to, routingKey: 'skip.me', target: { queue: 'rebuild' } })).toEqual({ replayed: 1 });
    expect((await drain(broker, 'rebuild')).map((c) => str(c.body))).toEqual(['mid2']);
    // Through an exchange: the copies are routed by its bindings, with a new routing key when one is given.
    await broker.declareExchange('rebuilds', 'direct');
    await broker.declareQueue('rebuild.paid', {});
    await broker.bind({ exchange: 'rebuilds', queue: 'rebuild.paid', key: 'again' });
    expect(await broker.exchangeReplay('events', { from, to, target: { exchange: 'rebuilds', routingKey: 'again' } })).toEqual({ replayed: 3 });
    const routed = await drain(broker, 'rebuild.paid');
    expect(routed.map((c) => [str(c.body), c.correlationId, c.exchange, c.routingKey])).toEqual([
      ['mid0', 'mid-c0', 'rebuilds', 'again'],
      ['mid1', 'mid-c1', 'rebuilds', 'again'],
      ['mid2', 'mid-c2', 'rebuilds', 'again'],
    ]);
    // The target exchange's log shows each copy with the original it was made from.
    const rebuildsLog = (await broker.exchangeLog('rebuilds', { after: 0, limit: 100 })).messages;
    expect(rebuildsLog.map((m) => m.replayOf)).toEqual(middle.map((m) => m.id));
    await expectCode(broker.exchangeReplay('events', { from, to, target: { exchange: 'nowhere' } }), 'replay_target_not_found');
    await expectCode(broker.exchangeReplay('events', { from, to, target: { queue: 'no-such-queue' } }), 'replay_target_not_found');
    await expectCode(broker.exchangeReplay('missing', { from, to, target: { queue: 'rebuild' } }), 'exchange_not_found');
  });

  it('an inclusive range given as the publishedAt the API shows includes that message', async () => {
    const { broker } = t;
    await broker.declareQueue('rebuild', {});
    const only = await broker.publish(message('events', 'k', 'edge'));
    const [logged] = (await broker.exchangeLog('events', { after: 0, limit: 1 })).messages;
    expect(logged!.id).toBe(only.id);
    const at = logged!.publishedAt; // millisecond precision, as a client sees it
    expect(await broker.exchangeReplay('events', { from: at, to: at, target: { queue: 'rebuild' } })).toEqual({ replayed: 1 });
    expect((await broker.searchMessages({ exchange: 'events', from: at, to: at })).messages.map((m) => m.id)).toEqual([only.id]);
  });
  it('filtered by a key, a page that is not full continues after the last message of the exchange, not the last match', async () => {
    const { broker } = t;
    const a = await broker.publish(message('events', 'a', 'one'));
    await broker.publish(message('events', 'b', 'two'));
    const last = await broker.publish(message('events', 'b', 'three'));
    const seqOf = async (id: string) => (await broker.exchangeLog('events', { after: 0, limit: 10 })).messages.find((m) => m.id === id)!.seq;
    const onlyA = await broker.exchangeLog('events', { after: 0, limit: 10, routingKey: 'a' });
    expect(onlyA.messages.map((m) => m.id)).toEqual([a.id]);
    expect(onlyA.nextAfter).toBe(await seqOf(last.id));
    const none = await broker.exchangeLog('events', { after: 0, limit: 10, routingKey: 'zzz' });
    expect(none).toEqual({ messages: [], nextAfter: await seqOf(last.id) });
    // a full page may have more matches after it: it continues from its last match
    const fullPage = await broker.exchangeLog('events', { after: 0, limit: 1, routingKey: 'b' });
    expect(fullPage.nextAfter).toBe(fullPage.messages[0]!.seq);
    // a later message is still found from there
    const later = await broker.publish(message('events', 'a', 'four'));
    expect((await broker.exchangeLog('events', { after: none.nextAfter, limit: 10, routingKey: 'a' })).messages.map((m) => m.id)).toEqual([later.id]);
  });
});
