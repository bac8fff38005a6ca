import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, str, type TestBroker } from '../../test/broker';
import { expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { MessageQuery } from './pg/message-search';
import type { PublishResult } from './types';

describe.each(drivers)('message search on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    await broker.declareExchange('audit', 'fanout');
    await broker.declareQueue('billing', {});
    await broker.declareQueue('shipping', {});
    await broker.declareQueue('audit.log', {});
    await broker.bind({ exchange: 'orders', queue: 'billing', key: 'order.paid' });
    await broker.bind({ exchange: 'orders', queue: 'shipping', key: 'order.*' });
    await broker.bind({ exchange: 'audit', queue: 'audit.log', key: '' });
  });
  afterEach(async () => t.close());

  /** Every page of a query, following nextCursor. */
  async function allPages(query: Omit<MessageQuery, 'limit' | 'cursor'>, limit: number) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await t.broker.searchMessages({ ...query, limit, cursor });
      pages.push(page.messages.map((m) => m.id));
      if (!page.nextCursor) return pages;
      expect(page.messages).toHaveLength(limit);
      expect(page.nextCursor).toBe(page.messages[page.messages.length - 1]!.id);
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  it('finds by correlationId, id, exchange, routingKey, queue and header', async () => {
    const { broker } = t;
    const paid = await broker.publish(message('orders', 'order.paid', 'p', { correlationId: 'c-1', headers: { tenant: 'acme', region: 'eu' } }));
    const shipped = await broker.publish(message('orders', 'order.shipped', 's', { correlationId: 'c-1', headers: { tenant: 'globex' } }));
    const audited = await broker.publish(message('audit', 'login', 'a', { correlationId: 'c-2', headers: { tenant: 'acme' } }));
    const lost = await broker.publish(message('orders', 'invoice.sent', 'l', { correlationId: 'c-3' }));
    const ids = (q: Omit<MessageQuery, 'limit'>) => broker.searchMessages(q).then((r) => r.messages.map((m) => m.id));

    // Newest first: ids are UUIDv7.
    expect(await ids({ correlationId: 'c-1' })).toEqual([shipped.id, paid.id]);
    expect(await ids({ id: audited.id })).toEqual([audited.id]);
    expect(await ids({ id: 'not-a-uuid' })).toEqual([]);
    expect(await ids({ exchange: 'orders' })).toEqual([lost.id, shipped.id, paid.id]);
    expect(await ids({ exchange: 'orders', routingKey: 'order.paid' })).toEqual([paid.id]);
    expect(await ids({ queue: 'shipping' })).toEqual([shipped.id, paid.id]);
    expect(await ids({ queue: 'billing' })).toEqual([paid.id]);
    expect(await ids({ headers: { tenant: 'acme' } })).toEqual([audited.id, paid.id]);
    expect(await ids({ headers: { tenant: 'acme', region: 'eu' } })).toEqual([paid.id]);
    expect(await ids({ headers: { tenant: 'acme' }, exchange: 'orders' })).toEqual([paid.id]);
    expect(await ids({ correlationId: 'c-9' })).toEqual([]);
    expect(await ids({})).toEqual([lost.id, audited.id, shipped.id, paid.id]);

    const [found] = (await broker.searchMessages({ id: paid.id })).messages;
    expect(found).toMatchObject({
      exchange: 'orders',
      routingKey: 'order.paid',
      correlationId: 'c-1',
      headers: { tenant: 'acme', region: 'eu' },
      routedTo: ['billing', 'shipping'],
    });
    expect(str(found!.body)).toBe('p');
    expect(found!.seq).toBeGreaterThan(0);
    const [unrouted] = (await broker.searchMessages({ id: lost.id })).messages;
    expect(unrouted!.routedTo).toEqual([]);
  });

  it('restricts by a from/to time range', async () => {
    const { broker } = t;
    const before = await broker.publish(message('orders', 'order.paid', 'before'));
    await sleep(30);
    const from = new Date();
    await sleep(5);
    const inside: PublishResult[] = [];
    for (let i = 0; i < 3; i++) inside.push(await broker.publish(message('orders', 'order.paid', `inside ${i}`)));
    await sleep(30);
    const to = new Date();
    await sleep(5);
    const after = await broker.publish(message('orders', 'order.paid', 'after'));
    const found = await broker.searchMessages({ from, to });
    expect(found.messages.map((m) => m.id)).toEqual(inside.map((m) => m.id).reverse());
    expect((await broker.searchMessages({ from })).messages.map((m) => m.id)).toEqual([after.id, ...inside.map((m) => m.id).reverse()]);
    expect((await broker.searchMessages({ to })).messages.map((m) => m.id)).toEqual([...inside.map((m) => m.id).reverse(), before.id]);
  });

  it('cursor pagination returns every match exactly once across pages, also while messages keep arriving', async () => {
    const { broker } = t;
    const published: PublishResult[] = [];
    for (let b = 0; b < 5; b++) {
      published.push(...(await broker.publishBatch(Array.from({ length: 20 }, (_, i) => message('orders', i % 4 === 0 ? 'order.paid' : 'order.shipped', `${b}-${i}`)))));
    }
    published.push(...(await broker.publishBatch([1, 2, 3].map((i) => message('audit', 'x', `noise ${i}`)))));
    const orders = published.filter((p) => p.queues.includes('shipping'));
    expect(orders).toHaveLength(100);

    const pages = await allPages({ exchange: 'orders' }, 7);
    expect(pages).toHaveLength(15); // 14 full pages of 7 and one of 2
    const seen = pages.flat();
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    expect(seen).toEqual(orders.map((p) => p.id).sort().reverse());

    const paid = (await allPages({ queue: 'billing' }, 10)).flat();
    expect(paid.sort()).toEqual(published.filter((p) => p.queues.includes('billing')).map((p) => p.id).sort());
    expect(paid).toHaveLength(25);

    // Messages published between page reads are newer than the cursor: the walk still ends with each old match once.
    const first = await broker.searchMessages({ exchange: 'orders', limit: 30 });
    await broker.publishBatch(Array.from({ length: 10 }, (_, i) => message('orders', 'order.paid', `late ${i}`)));
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await broker.searchMessages({ exchange: 'orders', limit: 30, cursor });
      rest.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
    }
    expect([...first.messages.map((m) => m.id), ...rest].sort()).toEqual(orders.map((p) => p.id).sort());
  });

  it('a limit of exactly the match count has no next page; a bad cursor is refused', async () => {
    const { broker } = t;
    for (let i = 0; i < 3; i++) await broker.publish(message('audit', 'x', `m${i}`));
    const exact = await broker.searchMessages({ exchange: 'audit', limit: 3 });
    expect(exact.messages).toHaveLength(3);
    expect(exact.nextCursor).toBeNull();
    const capped = await broker.searchMessages({ exchange: 'audit', limit: 5000 });
    expect(capped.messages).toHaveLength(3);
    await expectCode(broker.searchMessages({ cursor: 'nope' }), 'validation_failed');
  });

  it('from after to is validation_failed naming both in ISO 8601, as replay and history say it; equal is a range', async () => {
    const { broker } = t;
    await broker.publish(message('audit', 'login', 'a'));
    const from = new Date('2030-01-01T00:00:00Z');
    const to = new Date('2020-01-01T00:00:00Z');
    await expect(broker.searchMessages({ from, to })).rejects.toMatchObject({
      name: 'BrokerError',
      code: 'validation_failed',
      message: 'from must be a time before to',
      details: { from: '2030-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z' },
    });
    // with other filters too
    await expectCode(broker.searchMessages({ exchange: 'audit', from, to }), 'validation_failed');
    const now = new Date();
    expect((await broker.searchMessages({ from: new Date(now.getTime() - 60_000), to: now })).messages).toHaveLength(1);
    expect((await broker.searchMessages({ from: to, to: to })).messages).toEqual([]);
  });
});
