import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, str, text, type TestBroker } from '../../test/broker';
import { depth, drain, expectCode, receiveOne } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { PublishResult } from './types';

describe.each(drivers)('replay on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    const { broker } = t;
    await broker.declareExchange('orders', 'topic');
    await broker.declareQueue('work', {});
    await broker.declareQueue('other', {});
    await broker.bind({ exchange: 'orders', queue: 'work', key: 'order.*' });
    await broker.bind({ exchange: 'orders', queue: 'other', key: 'retry.*' });
  });
  afterEach(async () => t.close());

  /** Publishes one message per (key, error) and rejects each into work.dlq with that error. */
  async function deadLetters(specs: { key: string; error: string }[]): Promise<PublishResult[]> {
    const { broker } = t;
    const published: PublishResult[] = [];
    for (const [i, s] of specs.entries()) {
      published.push(await broker.publish(message('orders', s.key, `body ${i}`, { correlationId: `corr-${i}`, headers: { n: String(i) } })));
    }
    const leased = await drain(broker, 'work');
    expect(leased).toHaveLength(specs.length);
    for (const d of leased) {
      const i = published.findIndex((p) => p.id === d.id);
      await broker.nack('work', [d.receipt], { requeue: false, error: specs[i]!.error });
    }
    expect((await broker.queueInfo('work.dlq')).ready).toBe(specs.length);
    return published;
  }

  it('to origin by ids: same id, correlation ID kept, attempt back to 1, no death', async () => {
    const { broker } = t;
    const [a, b, c] = await deadLetters([
      { key: 'order.a', error: 'e' },
      { key: 'order.b', error: 'e' },
      { key: 'order.c', error: 'e' },
    ]);
    expect(await broker.replay('work.dlq', { ids: [b!.id] })).toMatchObject({ replayed: 1 });
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 2, inFlight: 0, delayed: 0 });
    const d = await receiveOne(broker, 'work');
    expect(d).toMatchObject({ id: b!.id, correlationId: 'corr-1', routingKey: 'order.b', attempt: 1, death: null, queue: 'work' });
    expect(str(d.body)).toBe('body 1');
    const left = await drain(broker, 'work.dlq');
    expect(left.map((x) => x.id).sort()).toEqual([a!.id, c!.id].sort());
    const events = await t.db.query<{ type: string }>("SELECT type FROM events WHERE message_id = $1 AND type = 'replayed'", [b!.id]);
    expect(events).toHaveLength(1);
  });

  it('all: true replays every dead letter', async () => {
    const { broker } = t;
    const published = await deadLetters([
      { key: 'order.a', error: 'x' },
      { key: 'order.b', error: 'y' },
      { key: 'order.c', error: 'z' },
    ]);
    expect(await broker.replay('work.dlq', { all: true })).toMatchObject({ replayed: 3 });
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const back = await drain(broker, 'work');
    expect(back.map((d) => d.id).sort()).toEqual(published.map((p) => p.id).sort());
    expect(back.every((d) => d.attempt === 1 && d.death === null)).toBe(true);
  });

  it('a filter selects by routing key or by error text', async () => {
    const { broker } = t;
    const [a, b, c, d] = await deadLetters([
      { key: 'order.paid', error: 'Timeout talking to the bank' },
      { key: 'order.paid', error: 'card declined' },
      { key: 'order.shipped', error: 'timeout again' },
      { key: 'order.shipped', error: 'address invalid' },
    ]);
    expect(await broker.replay('work.dlq', { filter: { error: 'timeout' } })).toMatchObject({ replayed: 2 });
    expect((await drain(broker, 'work')).map((x) => x.id).sort()).toEqual([a!.id, c!.id].sort());
    expect(await broker.replay('work.dlq', { filter: { routingKey: 'order.paid' } })).toMatchObject({ replayed: 1 });
    expect((await drain(broker, 'work')).map((x) => x.id)).toEqual([b!.id]);
    expect(await broker.replay('work.dlq', { filter: { routingKey: 'order.nothing' } })).toMatchObject({ replayed: 0 });
    expect((await drain(broker, 'work.dlq')).map((x) => x.id)).toEqual([d!.id]);
  });

  it('matches filter.error as literal text, case-insensitively: % and _ are not wildcards', async () => {
    const { broker } = t;
    const [boom, rej, pct, slash] = await deadLetters([
      { key: 'order.a', error: 'BOOM' },
      { key: 'order.b', error: 'rej_ected' },
      { key: 'order.c', error: '100% fail' },
      { key: 'order.d', error: 'a\\b' },
    ]);
    const matching = async (error: string) => (await broker.deadLetterPage('work.dlq', { order: 'oldest', limit: 10, filter: { error } })).matching;
    expect(await matching('b%m')).toBe(0);
    expect(await matching('rej_')).toBe(1);
    expect(await matching('%')).toBe(1);
    expect(await matching('a\\b')).toBe(1);
    expect(await matching('boom')).toBe(1);
    expect(await broker.replay('work.dlq', { filter: { error: 'b%m' } })).toMatchObject({ replayed: 0 });
    expect(await broker.replay('work.dlq', { filter: { error: '%' } })).toMatchObject({ replayed: 1 });
    expect(await broker.replay('work.dlq', { filter: { error: 'boom' } })).toMatchObject({ replayed: 1 });
    expect((await drain(broker, 'work')).map((x) => x.id).sort()).toEqual([pct!.id, boom!.id].sort());
    expect((await drain(broker, 'work.dlq')).map((x) => x.id).sort()).toEqual([rej!.id, slash!.id].sort());
  });

  it('refuses a replay that does not say which dead letters: an empty filter, an empty error, only arrivedBy', async () => {
    const { broker } = t;
    await deadLetters([{ key: 'order.a', error: 'e' }]);
    await expectCode(broker.replay('work.dlq', {}), 'validation_failed');
    await expectCode(broker.replay('work.dlq', { filter: {} }), 'validation_failed');
    await expectCode(broker.replay('work.dlq', { filter: { error: '' } }), 'validation_failed');
    await expectCode(broker.replay('work.dlq', { filter: { arrivedBy: new Date() } }), 'validation_failed');
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
    // The same bound beside all: true is the dashboard's confirmed "Replay all".
    expect(await broker.replay('work.dlq', { all: true, filter: { arrivedBy: new Date(Date.now() + 1000) } })).toMatchObject({ replayed: 1 });
  });

  it("refuses to replay from or into the broker's own amq. queues", async () => {
    const { broker } = t;
    await deadLetters([{ key: 'order.a', error: 'e' }]);
    await expectCode(broker.replay('work.dlq', { all: true, target: { queue: 'amq.reply.some-node' } }), 'reserved_name');
    await expectCode(broker.exchangeReplay('orders', { from: new Date(0), to: new Date(), target: { queue: 'amq.reply.some-node' } }), 'reserved_name');
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 1, inFlight: 0, delayed: 0 });
  });

  it('a filter by time window selects by diedAt', async () => {
    const { broker } = t;
    await deadLetters([{ key: 'order.a', error: 'e' }]);
    const future = new Date(Date.now() + 3600_000);
    expect(await broker.replay('work.dlq', { filter: { from: future } })).toMatchObject({ replayed: 0 });
    expect(await broker.replay('work.dlq', { filter: { to: future } })).toMatchObject({ replayed: 1 });
  });

  it('to another queue', async () => {
    const { broker } = t;
    const [a] = await deadLetters([{ key: 'order.a', error: 'e' }]);
    expect(await broker.replay('work.dlq', { all: true, target: { queue: 'other' } })).toMatchObject({ replayed: 1 });
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const d = await receiveOne(broker, 'other');
    expect(d).toMatchObject({ id: a!.id, correlationId: 'corr-0', attempt: 1, death: null });
    expect(str(d.body)).toBe('body 0');
  });

  it('to an exchange with a routing key: a new id, correlation ID kept', async () => {
    const { broker } = t;
    const [a] = await deadLetters([{ key: 'order.a', error: 'e' }]);
    // A key the exchange routes nowhere leaves the dead letter in the DLQ, and the answer says so.
    expect(await broker.replay('work.dlq', { all: true, target: { exchange: 'orders', routingKey: 'nowhere' } })).toEqual({
      replayed: 0,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 1, noOrigin: 0, notFound: [], leased: [], busy: [] },
      more: false,
    });
    expect(await broker.replay('work.dlq', { all: true, target: { exchange: 'orders', routingKey: 'retry.a' } })).toEqual({
      replayed: 1,
      skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [] },
      more: false,
    });
    const d = await receiveOne(broker, 'other');
    expect(d.id).not.toBe(a!.id);
    expect(d).toMatchObject({ correlationId: 'corr-0', exchange: 'orders', routingKey: 'retry.a', attempt: 1, headers: { n: '0' } });
    expect(str(d.body)).toBe('body 0');
    expect(await depth(broker, 'work')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const replayed = await t.db.query<{ replay_of: string }>('SELECT replay_of FROM messages WHERE id = $1', [d.id]);
    expect(replayed[0]!.replay_of).toBe(a!.id);
  });

  it('with edit: body and headers changed, a new id, correlation ID kept', async () => {
    const { broker } = t;
    const [a] = await deadLetters([{ key: 'order.a', error: 'e' }]);
    const r = await broker.replay('work.dlq', {
      ids: [a!.id],
      edit: { body: text('{"fixed":true}'), contentType: 'application/json', headers: { fixed: 'yes' } },
    });
    expect(r).toMatchObject({ replayed: 1 });
    const d = await receiveOne(broker, 'work');
    expect(d.id).not.toBe(a!.id);
    expect(d).toMatchObject({ correlationId: 'corr-0', routingKey: 'order.a', headers: { fixed: 'yes' }, contentType: 'application/json', attempt: 1 });
    expect(str(d.body)).toBe('{"fixed":true}');
    // the original stays in the store, unchanged
    const original = await broker.getMessage(a!.id);
    expect(str(original.body)).toBe('body 0');
    expect(original.entries).toEqual([]);
  });

  it('two concurrent replays of the same dead letters move each exactly once', async () => {
    const { broker } = t;
    const N = 12;
    const published = await deadLetters(Array.from({ length: N }, (_, i) => ({ key: `order.k${i}`, error: 'e' })));
    const results = await Promise.all([
      broker.replay('work.dlq', { all: true }),
      broker.replay('work.dlq', { ids: published.map((p) => p.id) }),
    ]);
    expect(results[0]!.replayed + results[1]!.replayed).toBe(N);
    expect(await depth(broker, 'work')).toEqual({ ready: N, inFlight: 0, delayed: 0 });
    expect(await depth(broker, 'work.dlq')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    const back = await drain(broker, 'work');
    expect(back).toHaveLength(N);
    expect(new Set(back.map((d) => d.id)).size).toBe(N);
  });

  it('two concurrent replays to an exchange store each new message once', async () => {
    const { broker } = t;
    const N = 8;
    await deadLetters(Array.from({ length: N }, (_, i) => ({ key: `order.k${i}`, error: 'e' })));
    const target = { exchange: 'orders', routingKey: 'retry.x' };
    const results = await Promise.all([broker.replay('work.dlq', { all: true, target }), broker.replay('work.dlq', { all: true, target })]);
    expect(results[0]!.replayed + results[1]!.replayed).toBe(N);
    const back = await drain(broker, 'other');
    expect(back).toHaveLength(N);
    expect(new Set(back.map((d) => d.correlationId)).size).toBe(N);
  });

  it('a dead letter under a lease is not replayed; replay needs a selector and an existing target', async () => {
    const { broker } = t;
    await deadLetters([{ key: 'order.a', error: 'e' }, { key: 'order.b', error: 'e' }]);
    const leased = await receiveOne(broker, 'work.dlq');
    expect(await broker.replay('work.dlq', { all: true })).toMatchObject({ replayed: 1 });
    expect(await broker.ack('work.dlq', [leased.receipt])).toEqual({ acked: 1, stale: [] });
    await expectCode(broker.replay('work.dlq', {}), 'validation_failed');
    await expectCode(broker.replay('work.dlq', { all: true, target: { queue: 'nope' } }), 'replay_target_not_found');
    await expectCode(broker.replay('work.dlq', { all: true, target: { exchange: 'nope' } }), 'replay_target_not_found');
  });

  it('a queue of another tier is no target, in either direction, and nothing moves', async () => {
    const { broker } = t;
    await deadLetters([{ key: 'order.c', error: 'e' }]);
    await broker.declareQueue('fast', { durability: 'memory' });
    await expect(broker.replay('work.dlq', { all: true, target: { queue: 'fast' } })).rejects.toMatchObject({
      code: 'replay_target_not_found',
      message: expect.stringContaining('a memory queue'),
    });
    await expectCode(broker.replay('fast.dlq', { all: true, target: { queue: 'work' } }), 'replay_target_not_found');
    expect(await depth(broker, 'work.dlq')).toMatchObject({ ready: 1 });
    expect(await depth(broker, 'fast')).toMatchObject({ ready: 0 });
  });

  it('a replayed message that fails again dead-letters again with a fresh count', async () => {
    const { broker } = t;
    const [a] = await deadLetters([{ key: 'order.a', error: 'first life' }]);
    await broker.replay('work.dlq', { all: true });
    const d = await receiveOne(broker, 'work');
    expect(d.attempt).toBe(1);
    await broker.nack('work', [d.receipt], { requeue: false, error: 'second life' });
    const dead = await receiveOne(broker, 'work.dlq');
    expect(dead.id).toBe(a!.id);
    expect(dead.death).toMatchObject({ attempts: 1, lastError: 'second life', reason: 'rejected' });
  });
});
