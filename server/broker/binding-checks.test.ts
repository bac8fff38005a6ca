import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, type TestBroker } from '../../test/broker';
import { expectCode } from '../../test/broker-helpers';
import { drivers } from '../../test/databases';
import { createBroker } from './broker';
import { writeBinding } from './pg/topology-write';
import { resolveQueueSettings } from './queue-settings';
import type { Binding } from './types';

/**
 * A binding that can never have an effect is refused rather than stored: a headers clause on an
 * exchange that does not route by headers, and on a direct exchange a key no publish can carry
 * (a publish's routing key has no * or #, checkRoutingKey). Bindings already stored still load,
 * route and can be unbound.
 */
describe.each(drivers)('bindings that could never match, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    const { broker } = t;
    await broker.declareExchange('tx', 'topic');
    await broker.declareExchange('dx', 'direct');
    await broker.declareExchange('fx', 'fanout');
    await broker.declareExchange('hx', 'headers');
    await broker.declareQueue('q', {});
  });
  afterEach(async () => t.close());

  const headers = { match: 'all' as const, values: { n: '5' } };

  it('a headers clause on a topic, direct or fanout exchange is validation_failed naming headers', async () => {
    for (const exchange of ['tx', 'dx', 'fx']) {
      const p = t.broker.bind({ exchange, queue: 'q', key: 'k', headers });
      await expect(p).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'headers', exchange } });
      await expect(t.broker.bind({ exchange, queue: 'q', key: 'k', headers })).rejects.toThrow(/headers exchange/);
    }
    // on a headers exchange it is what routes
    expect(await t.broker.bind({ exchange: 'hx', queue: 'q', key: '', headers })).toMatchObject({ created: true });
    expect((await t.broker.exportDefinitions()).bindings).toEqual([{ exchange: 'hx', queue: 'q', key: '', headers }]);
  });

  it('a direct exchange binding key with * or # is validation_failed; on a topic exchange it is a pattern', async () => {
    for (const key of ['k*', 'k.#', '#', '*']) {
      await expect(t.broker.bind({ exchange: 'dx', queue: 'q', key })).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'key', key, exchange: 'dx' } });
    }
    expect(await t.broker.bind({ exchange: 'tx', queue: 'q', key: 'k.*' })).toMatchObject({ created: true });
    expect(await t.broker.bind({ exchange: 'dx', queue: 'q', key: 'k.1' })).toMatchObject({ created: true });
    expect((await t.broker.exportDefinitions()).bindings.map((b) => `${b.exchange}:${b.key}`).sort()).toEqual(['dx:k.1', 'tx:k.*']);
    // white space stays invalid_routing_key, as before
    await expectCode(t.broker.bind({ exchange: 'dx', queue: 'q', key: 'a b' }), 'invalid_routing_key');
  });

  it('a topic exchange binding key with * or # inside a word is validation_failed; as whole words they are wildcards', async () => {
    for (const [key, word] of [['a.b*', 'b*'], ['#x', '#x'], ['a.*b.c', '*b'], ['a.b#.#', 'b#']]) {
      await expect(t.broker.bind({ exchange: 'tx', queue: 'q', key: key! })).rejects.toMatchObject({
        code: 'validation_failed',
        details: { field: 'key', key, exchange: 'tx', exchangeType: 'topic', issues: [{ path: 'key', message: expect.stringContaining(`'${word}'`) }] },
      });
    }
    for (const key of ['*', '#', 'a.*.c', 'a.#', '#.b', '*.*', '']) expect(await t.broker.bind({ exchange: 'tx', queue: 'q', key })).toMatchObject({ created: true });
  });

  it('a definitions import with such a binding is refused the same way, and writes nothing', async () => {
    const cases: [Binding, string][] = [
      [{ exchange: 'ix', queue: 'iq', key: 'k', headers }, 'headers'],
      [{ exchange: 'ix', queue: 'iq', key: 'k*' }, 'key'],
    ];
    for (const [binding, field] of cases) {
      const p = t.broker.importDefinitions({ exchanges: [{ name: 'ix', type: 'direct' }], queues: [{ name: 'iq', settings: resolveQueueSettings('iq', {}) }], bindings: [binding] });
      await expect(p).rejects.toMatchObject({ code: 'validation_failed', details: { field } });
    }
    const defs = await t.broker.exportDefinitions();
    expect(defs.exchanges.map((e) => e.name)).not.toContain('ix');
    expect(defs.queues.map((q) => q.name)).not.toContain('iq');
    // the exchange type the document gives is the one checked: on a headers exchange the clause is fine
    const ok = await t.broker.importDefinitions({ exchanges: [{ name: 'ih', type: 'headers' }], queues: [{ name: 'iq', settings: resolveQueueSettings('iq', {}) }], bindings: [{ exchange: 'ih', queue: 'iq', key: '', headers }] });
    expect(ok.bindings).toBe(1);
  });

  it('bindings stored before the check still load, route as before and can be unbound', async () => {
    const legacy: Binding[] = [
      { exchange: 'tx', queue: 'q', key: 'k', headers },
      { exchange: 'dx', queue: 'q', key: 'k*' },
    ];
    for (const b of legacy) await writeBinding(t.db, b);
    // a restarted broker loads them from the store
    await t.broker.stop();
    const again = createBroker({ db: t.db, node: 'test-node', sweepIntervalMs: 100 });
    await again.start();
    t = { ...t, broker: again };
    const stored = (await again.exportDefinitions()).bindings;
    expect(stored).toEqual(expect.arrayContaining(legacy));
    // the topic binding's ignored headers clause still routes by key, as it did
    expect((await again.publish(message('tx', 'k', 'x'))).queues).toEqual(['q']);
    for (const b of legacy) expect(await again.unbind(b)).toEqual({ deleted: true });
    expect((await again.exportDefinitions()).bindings).toEqual([]);
  });
});
