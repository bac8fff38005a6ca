import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, type TestBroker } from '../../test/broker';
import { drain, depth, expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Broker } from './api';

/** What each queue holds, as bodies in order (leases them). */
async function contents(broker: Broker, queues: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const q of queues) out[q] = (await drain(broker, q)).map((d) => str(d.body));
  return out;
}

describe.each(drivers)('routing on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  it('fanout copies every message to every bound queue, whatever the key', async () => {
    const { broker } = t;
    await broker.declareExchange('news', 'fanout');
    for (const q of ['a', 'b', 'c']) await broker.declareQueue(q, {});
    await broker.bind({ exchange: 'news', queue: 'a', key: '' });
    await broker.bind({ exchange: 'news', queue: 'b', key: 'ignored' });
    const r1 = await broker.publish(message('news', 'x.y', 'one'));
    const r2 = await broker.publish(message('news', '', 'two'));
    expect(r1.queues).toEqual(['a', 'b']);
    expect(r2.queues).toEqual(['a', 'b']);
    expect(await contents(broker, ['a', 'b', 'c'])).toEqual({ a: ['one', 'two'], b: ['one', 'two'], c: [] });
  });

  it('direct routes by exact key; each queue gets its own copy to settle independently', async () => {
    const { broker } = t;
    await broker.declareExchange('jobs', 'direct');
    for (const q of ['mail', 'sms', 'both']) await broker.declareQueue(q, {});
    await broker.bind({ exchange: 'jobs', queue: 'mail', key: 'mail' });
    await broker.bind({ exchange: 'jobs', queue: 'sms', key: 'sms' });
    await broker.bind({ exchange: 'jobs', queue: 'both', key: 'mail' });
    await broker.bind({ exchange: 'jobs', queue: 'both', key: 'sms' });
    expect((await broker.publish(message('jobs', 'mail', 'm'))).queues).toEqual(['both', 'mail']);
    expect((await broker.publish(message('jobs', 'sms', 's'))).queues).toEqual(['both', 'sms']);
    expect((await broker.publish(message('jobs', 'Mail', 'nobody'))).queues).toEqual([]);

    const [m] = await broker.receive('mail', { max: 1, waitMs: 0 });
    expect(await broker.ack('mail', [m!.receipt])).toEqual({ acked: 1, stale: [] });
    // acking the copy in one queue leaves the other queue's copy alone
    const both = await drain(broker, 'both');
    expect(both.map((d) => str(d.body))).toEqual(['m', 's']);
    expect(both[0]!.id).toBe(m!.id);
  });

  it('topic: * matches exactly one word, # zero or more', async () => {
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    const bindings: [string, string][] = [
      ['star', 'order.*'],
      ['hash', 'order.#'],
      ['eu', '*.*.eu'],
      ['all', '#'],
      ['middle', 'order.#.done'],
    ];
    for (const [q, key] of bindings) {
      await broker.declareQueue(q, {});
      await broker.bind({ exchange: 'orders', queue: q, key });
    }
    const cases: [string, string[]][] = [
      ['order', ['all', 'hash']],
      ['order.created', ['all', 'hash', 'star']],
      ['order.created.eu', ['all', 'eu', 'hash']],
      ['order.done', ['all', 'hash', 'middle', 'star']],
      ['order.a.b.done', ['all', 'hash', 'middle']],
      ['invoice.created', ['all']],
      ['', ['all']],
    ];
    for (const [key, expected] of cases) {
      expect((await broker.publish(message('orders', key, key || '(empty)'))).queues, key).toEqual(expected);
    }
    expect(await contents(broker, ['star', 'hash', 'eu', 'middle'])).toEqual({
      star: ['order.created', 'order.done'],
      hash: ['order', 'order.created', 'order.created.eu', 'order.done', 'order.a.b.done'],
      eu: ['order.created.eu'],
      middle: ['order.done', 'order.a.b.done'],
    });
    expect((await broker.queueInfo('all')).ready).toBe(cases.length);
  });

  it('a queue bound by several matching patterns gets one copy', async () => {
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    await broker.declareQueue('q', {});
    for (const key of ['order.*', 'order.#', '#', 'order.created']) await broker.bind({ exchange: 'orders', queue: 'q', key });
    const r = await broker.publish(message('orders', 'order.created', 'once'));
    expect(r.queues).toEqual(['q']);
    expect((await drain(broker, 'q')).map((d) => d.id)).toEqual([r.id]);
  });

  it('headers: match all needs every value, match any needs one', async () => {
    const { broker } = t;
    await broker.declareExchange('docs', 'headers');
    await broker.declareQueue('pdf-invoices', {});
    await broker.declareQueue('pdf-or-invoice', {});
    await broker.bind({ exchange: 'docs', queue: 'pdf-invoices', key: '', headers: { match: 'all', values: { format: 'pdf', type: 'invoice' } } });
    await broker.bind({ exchange: 'docs', queue: 'pdf-or-invoice', key: '', headers: { match: 'any', values: { format: 'pdf', type: 'invoice' } } });
    const send = async (body: string, headers: Record<string, string>) =>
      (await broker.publish(message('docs', 'ignored.key', body, { headers }))).queues;
    expect(await send('both', { format: 'pdf', type: 'invoice', extra: '1' })).toEqual(['pdf-invoices', 'pdf-or-invoice']);
    expect(await send('pdf only', { format: 'pdf' })).toEqual(['pdf-or-invoice']);
    expect(await send('invoice only', { type: 'invoice', format: 'png' })).toEqual(['pdf-or-invoice']);
    expect(await send('neither', { format: 'png' })).toEqual([]);
    expect(await send('none', {})).toEqual([]);
    const got = await contents(broker, ['pdf-invoices', 'pdf-or-invoice']);
    expect(got).toEqual({ 'pdf-invoices': ['both'], 'pdf-or-invoice': ['both', 'pdf only', 'invoice only'] });
  });

  it('a header match PostgreSQL cannot store (NUL, lone surrogate) is refused, and no binding is made', async () => {
    const { broker } = t;
    await broker.declareExchange('docs', 'headers');
    await broker.declareQueue('q', {});
    const bind = (values: Record<string, string>) => broker.bind({ exchange: 'docs', queue: 'q', key: '', headers: { match: 'all', values } });
    await expect(bind({ format: 'p\u0000df' })).rejects.toMatchObject({ code: 'validation_failed', message: 'headers.values.format must not contain the NUL character' });
    await expect(bind({ ['f\ud800']: 'pdf' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^the name .* in headers.values must not contain a lone/) });
    expect(broker.exportDefinitions().bindings).toEqual([]);
    expect(await bind({ format: 'pdf' })).toMatchObject({ created: true });
  });

  it('headers travel with the message to the consumer', async () => {
    const { broker } = t;
    await broker.declareExchange('docs', 'headers');
    await broker.declareQueue('q', {});
    await broker.bind({ exchange: 'docs', queue: 'q', key: '', headers: { match: 'all', values: { format: 'pdf' } } });
    await broker.publish(message('docs', 'k', 'x', { headers: { format: 'pdf', 'x-trace': 'abc' } }));
    const [d] = await broker.receive('q', { max: 1, waitMs: 0 });
    expect(d!.headers).toEqual({ format: 'pdf', 'x-trace': 'abc' });
    expect(d!.exchange).toBe('docs');
    expect(d!.routingKey).toBe('k');
  });

  it('the default exchange amq.default routes to the queue named by the key', async () => {
    const { broker } = t;
    await broker.declareQueue('inbox', {});
    const r = await broker.publish(message('amq.default', 'inbox', 'hello'));
    expect(r.queues).toEqual(['inbox']);
    expect((await broker.publish(message('amq.default', 'nobody', 'lost'))).queues).toEqual([]);
    const [d] = await broker.receive('inbox', { max: 5, waitMs: 0 });
    expect(d).toMatchObject({ id: r.id, exchange: 'amq.default', routingKey: 'inbox', queue: 'inbox' });
    expect(str(d!.body)).toBe('hello');
    expect((await broker.listExchanges()).some((e) => e.name === 'amq.default' && e.type === 'direct')).toBe(true);
  });

  it('mandatory: an unroutable message is refused with unroutable and nothing is stored', async () => {
    const { broker } = t;
    await broker.declareExchange('x', 'direct');
    await broker.declareQueue('q', {});
    await broker.bind({ exchange: 'x', queue: 'q', key: 'yes' });
    await expectCode(broker.publish(message('x', 'no', 'refused', { mandatory: true })), 'unroutable');
    await expectCode(broker.publish(message('amq.default', 'missing', 'refused', { mandatory: true })), 'unroutable');
    // without mandatory the same message is accepted and silently routed nowhere
    const dropped = await broker.publish(message('x', 'no', 'dropped'));
    expect(dropped).toMatchObject({ queues: [], duplicate: false });
    const ok = await broker.publish(message('x', 'yes', 'kept', { mandatory: true }));
    expect(ok.queues).toEqual(['q']);
    expect(await depth(broker, 'q')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
    const rows = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE convert_from(body, 'UTF8') = 'refused'");
    expect(rows[0]!.n).toBe(0);
  });
});
