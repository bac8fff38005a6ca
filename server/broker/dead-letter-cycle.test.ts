import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, sleep, startTestBroker, type TestBroker } from '../../test/broker';
import { deadLetteredEvents, depth, drain, receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Durability } from './types';

/**
 * RabbitMQ's dead-letter cycle detection, on both tiers and both databases: a message that expires
 * or is dropped by max length is not dead-lettered into a queue it already died from in this
 * dead-letter chain, with no rejection since (A → B → A), as it is not into its own queue (dead-letter-self.test.ts).
 */
describe.each(drivers)('dead-letter cycles of more than one queue, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(async () => t.close());

  const deadLettered = (queue: string) => deadLetteredEvents(t.db, queue);

  const tiers: Durability[] = ['durable', 'memory'];

  /** Queues that dead-letter to one another by name, each with `extra` (a TTL or a max length). */
  async function ring(durability: Durability, names: string[], extra: { messageTtlMs?: number; maxLength?: number; maxDeliveries?: number }[]) {
    for (const [i, name] of names.entries()) {
      const next = names[(i + 1) % names.length]!;
      await t.broker.declareQueue(name, { durability, ...extra[i], deadLetter: { exchange: 'amq.default', routingKey: next } });
    }
  }

  it.each(tiers)('A expires into B, B expires back towards A: dropped there, once, saying why (%s)', async (durability) => {
    const { broker } = t;
    await ring(durability, ['cyca', 'cycb'], [{ messageTtlMs: 200 }, { messageTtlMs: 200 }]);
    const { id } = await broker.publish(message('amq.default', 'cyca', 'goes round'));
    const [fromB] = await waitFor(async () => {
      const got = await deadLettered('cycb');
      return got.length > 0 && got;
    });
    expect(fromB).toMatchObject({ message_id: id, detail: { reason: 'expired', to: [], dropped: true } });
    expect(fromB!.detail.droppedBecause).toMatch(/'cyca'.*already died from/);
    // a cycle would dead-letter it again every TTL and sweep (200 ms + 100 ms here), from each queue in turn
    await sleep(1000);
    const fromA = await deadLettered('cyca');
    expect(fromA).toHaveLength(1);
    expect(fromA[0]).toMatchObject({ message_id: id, detail: { reason: 'expired', to: ['cycb'], dropped: false } });
    expect(await deadLettered('cycb')).toHaveLength(1);
    expect(await depth(broker, 'cyca')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
    expect(await depth(broker, 'cycb')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });

  it.each(tiers)('max length on both sides: what B drops is not put back into A, which dropped it first (%s)', async (durability) => {
    const { broker } = t;
    await ring(durability, ['capa', 'capb'], [{ maxLength: 1 }, { maxLength: 1 }]);
    const m1 = await broker.publish(message('amq.default', 'capa', 'm1'));
    const m2 = await broker.publish(message('amq.default', 'capa', 'm2')); // m1: capa → capb
    const m3 = await broker.publish(message('amq.default', 'capa', 'm3')); // m2: capa → capb, capb over its length
    const m4 = await broker.publish(message('amq.default', 'capb', 'm4')); // capb over its length
    expect((await drain(broker, 'capa')).map((d) => d.id)).toEqual([m3.id]);
    expect((await drain(broker, 'capb')).map((d) => d.id)).toEqual([m4.id]);
    // the memory tier's events are written a moment later
    const fromB = await waitFor(async () => {
      const got = await deadLettered('capb');
      return got.length >= 2 && got;
    });
    expect(fromB.map((e) => e.message_id).sort()).toEqual([m1.id, m2.id].sort());
    for (const e of fromB) {
      expect(e.detail).toMatchObject({ reason: 'max_length', to: [], dropped: true });
      expect(e.detail.droppedBecause).toMatch(/'capa'.*already died from/);
    }
    await sleep(300);
    expect(await deadLettered('capb')).toHaveLength(2);
    expect((await deadLettered('capa')).map((e) => e.detail.to)).toEqual([['capb'], ['capb']]);
  });

  it.each(tiers)('a rejection in the chain starts it again: rejected in A, expired in B, it goes back to A (%s)', async (durability) => {
    const { broker } = t;
    await ring(durability, ['reja', 'rejb'], [{ maxDeliveries: 1 }, { messageTtlMs: 200 }]);
    const { id } = await broker.publish(message('amq.default', 'reja', 'rejected first'));
    const d = await receiveOne(broker, 'reja');
    await broker.nack('reja', [d.receipt], { requeue: false, error: 'no' });
    const back = await receiveOne(broker, 'reja', { waitMs: 3000 });
    expect(back).toMatchObject({ id, death: { queue: 'rejb', reason: 'expired' } });
    expect(back.death).not.toHaveProperty('diedBefore');
    const [fromB] = await waitFor(async () => {
      const got = await deadLettered('rejb');
      return got.length > 0 && got;
    });
    expect(fromB!.detail).toMatchObject({ to: ['reja'], dropped: false });
  });

  it.each(tiers)('three queues round, with an audit queue beside: only the queue it died from is left out, and the death names the chain (%s)', async (durability) => {
    const { broker } = t;
    await broker.declareExchange('cycfan', 'fanout');
    await broker.declareQueue('tri.audit', { durability });
    // tria → trib → tric by name, tric through a fanout to tria and the audit queue
    await broker.declareQueue('tria', { durability, messageTtlMs: 200, deadLetter: { exchange: 'amq.default', routingKey: 'trib' } });
    await broker.declareQueue('trib', { durability, messageTtlMs: 200, deadLetter: { exchange: 'amq.default', routingKey: 'tric' } });
    await broker.declareQueue('tric', { durability, messageTtlMs: 200, deadLetter: { exchange: 'cycfan' } });
    await broker.bind({ exchange: 'cycfan', queue: 'tria', key: '' });
    await broker.bind({ exchange: 'cycfan', queue: 'tri.audit', key: '' });
    const { id } = await broker.publish(message('amq.default', 'tria', 'three steps'));
    const audited = await receiveOne(broker, 'tri.audit', { waitMs: 4000 });
    expect(audited).toMatchObject({ id, death: { queue: 'tric', reason: 'expired', diedBefore: ['trib', 'tria'] } });
    const [fromC] = await waitFor(async () => {
      const got = await deadLettered('tric');
      return got.length > 0 && got;
    });
    expect(fromC!.detail).toMatchObject({ to: ['tri.audit'], dropped: false, notTo: ['tria'] });
    expect(fromC!.detail.notToBecause).toMatch(/'tria'.*already died from/);
    await sleep(700);
    expect(await deadLettered('tria')).toHaveLength(1);
    expect(await depth(broker, 'tria')).toEqual({ ready: 0, inFlight: 0, delayed: 0 });
  });
});
