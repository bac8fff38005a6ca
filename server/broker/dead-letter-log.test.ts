import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { message, startTestBroker, type TestBroker } from '../../test/broker';
import { receiveOne, waitFor } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import type { Logger } from './broker';
import type { Durability } from './types';

type Warned = { obj: Record<string, unknown>; msg: string | undefined };

/**
 * A dead letter kept because its dead-letter exchange routes it to a queue of the other tier is
 * told through the broker's logger (with the message id as a field), not the console: on every
 * way an entry dies (a nack, a sweep, a publish over max length) and on both tiers.
 */
describe.each(drivers)("kept dead letters go to the broker's logger, on %s", (driver) => {
  let t: TestBroker;
  let warned: Warned[];
  let consoleWarn: ReturnType<typeof vi.spyOn>;
  beforeEach(async () => {
    warned = [];
    const logger: Logger = { info() {}, error() {}, warn: (obj, msg) => void warned.push({ obj: obj as Record<string, unknown>, msg }) };
    consoleWarn = vi.spyOn(console, 'warn');
    t = await startTestBroker(driver, { logger });
  });
  afterEach(async () => {
    consoleWarn.mockRestore();
    await t.close();
  });

  const other = (tier: Durability): Durability => (tier === 'memory' ? 'durable' : 'memory');
  const cases = (['durable', 'memory'] as const).flatMap((tier) => (['rejected', 'expired', 'max_length'] as const).map((how) => [tier, how] as const));

  it.each(cases)('a %s queue, an entry dying %s', async (tier, how) => {
    const { broker } = t;
    await broker.declareExchange('tiersx', 'direct');
    await broker.declareQueue('elsewhere', { durability: other(tier), deadLetter: false });
    await broker.bind({ exchange: 'tiersx', queue: 'elsewhere', key: 'k' });
    const limits = how === 'expired' ? { messageTtlMs: 150 } : how === 'max_length' ? { maxLength: 1 } : {};
    await broker.declareQueue('src', { durability: tier, ...limits, deadLetter: { exchange: 'tiersx', routingKey: 'k' } });
    const p = await broker.publish(message('amq.default', 'src', 'kept'));
    if (how === 'rejected') {
      const d = await receiveOne(broker, 'src');
      await broker.nack('src', [d.receipt], { requeue: false, error: 'bad' });
    } else if (how === 'max_length') {
      await broker.publish(message('amq.default', 'src', 'pushes the first one out'));
    }
    const [w] = await waitFor(async () => warned.length > 0 && warned);
    expect(w!.obj).toMatchObject({ messageId: p.id, queue: 'src', otherTier: ['elsewhere'] });
    // The id is a field; the text says what happened once.
    expect(w!.msg).toBe(`dead-letter target 'elsewhere' of 'src' is in another tier: kept in 'src' instead of dropping it`);
    expect(consoleWarn).not.toHaveBeenCalled();
  });
});
