import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, type TestBroker } from '../../test/broker';
import { drivers } from '../../test/databases';
import { createBroker } from './broker';
import { lowercaseStoredHeaderBindings } from './pg/binding-case-fixup';
import { writeBinding } from './pg/topology-write';
import type { Binding } from './types';

/**
 * A headers binding's names are lowercased, as message header names are (see
 * server/gateway/header-bindings.test.ts for the API): case variants are one binding. Rows stored
 * before, with names as given, are lowercased by the startup fix-up (pg/binding-case-fixup.ts).
 */
describe.each(drivers)('headers binding names and case, on %s', (driver) => {
  let t: TestBroker;
  beforeEach(async () => {
    t = await startTestBroker(driver);
    await t.broker.declareExchange('hx', 'headers');
    await t.broker.declareQueue('q', {});
  });
  afterEach(async () => t.close());

  const binding = (values: Record<string, string>): Binding => ({ exchange: 'hx', queue: 'q', key: '', headers: { match: 'any', values } });
  const stored = async () => (await t.broker.exportDefinitions()).bindings;

  it('case variants are one binding: declared once, exported lowercased, unbound in any case', async () => {
    expect(await t.broker.bind(binding({ 'Content-Kind': 'pdf', Lang: 'ja' }))).toMatchObject({ created: true });
    expect(await t.broker.bind(binding({ 'content-kind': 'pdf', LANG: 'ja' }))).toMatchObject({
      created: false,
      binding: { headers: { match: 'any', values: { 'content-kind': 'pdf', lang: 'ja' } } },
    });
    expect(await stored()).toEqual([binding({ 'content-kind': 'pdf', lang: 'ja' })]);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { lang: 'ja' } }))).queues).toEqual(['q']);
    expect(await t.broker.unbind(binding({ 'CONTENT-KIND': 'pdf', lang: 'ja' }))).toEqual({ deleted: true });
    expect(await stored()).toEqual([]);
  });

  it('two names of one binding that differ only in case are validation_failed', async () => {
    await expect(t.broker.bind(binding({ Lang: 'ja', lang: 'en' }))).rejects.toMatchObject({
      code: 'validation_failed',
      message: "headers.values: header names 'Lang' and 'lang' differ only in case, and header names are case-insensitive (matched lowercased as 'lang'): give it once",
      details: { field: 'headers.values', header: 'lang' },
    });
    expect(await stored()).toEqual([]);
  });

  /**
   * Rows as the broker stored them before names were lowercased (writeBinding stores a binding as
   * given), then the startup fix-up, then a broker that loads the topology afresh.
   */
  async function restartAfterFixup(...legacy: Binding[]) {
    for (const b of legacy) expect(await writeBinding(t.db, b)).toBe(true);
    await t.broker.stop();
    const fixed = await lowercaseStoredHeaderBindings(t.db);
    t = { ...t, broker: createBroker({ db: t.db, node: 'test-node', sweepIntervalMs: 100 }) };
    await t.broker.start();
    return fixed;
  }

  it('a binding stored with upper-case names before is lowercased at startup: a re-declare finds it, an unbind in another case removes it', async () => {
    const all = (values: Record<string, string>): Binding => ({ exchange: 'hx', queue: 'q', key: '', headers: { match: 'all', values } });
    expect(await restartAfterFixup(binding({ 'X-Type': 'a' }), all({ 'X-Type': 'a' }))).toEqual({ rewritten: 2, merged: 0, left: 0 });
    expect(await stored()).toEqual([binding({ 'x-type': 'a' }), all({ 'x-type': 'a' })]);
    expect(await t.broker.bind(binding({ 'x-type': 'a' }))).toMatchObject({ created: false });
    expect(await t.broker.bind(binding({ 'X-TYPE': 'a' }))).toMatchObject({ created: false });
    expect(await stored()).toHaveLength(2);
    // It routes, as it did: matching always lowercased the binding's names.
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { 'x-type': 'a' } }))).queues).toEqual(['q']);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { 'x-type': 'b' } }))).queues).toEqual([]);
    expect(await t.broker.unbind(binding({ 'x-TYPE': 'a' }))).toEqual({ deleted: true });
    // The `all` one was another binding, and stays, lowercased; it unbinds in the case it was declared in.
    expect(await stored()).toEqual([all({ 'x-type': 'a' })]);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { 'x-type': 'a' } }))).queues).toEqual(['q']);
    expect(await t.broker.unbind(all({ 'X-Type': 'a' }))).toEqual({ deleted: true });
    expect(await stored()).toEqual([]);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { 'x-type': 'a' } }))).queues).toEqual([]);
  });

  it('a legacy binding whose lowercased binding was declared since is merged into it at startup: one binding, unbound once', async () => {
    // The lowercased one, declared through the broker (between the two versions, it did not find the legacy row).
    expect(await writeBinding(t.db, binding({ lang: 'ja' }))).toBe(true);
    expect(await restartAfterFixup(binding({ Lang: 'ja' }), binding({ LANG: 'ja' }))).toEqual({ rewritten: 0, merged: 2, left: 0 });
    expect(await stored()).toEqual([binding({ lang: 'ja' })]);
    expect(await t.broker.bind(binding({ Lang: 'ja' }))).toMatchObject({ created: false });
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { lang: 'ja' } }))).queues).toEqual(['q']);
    expect(await t.broker.unbind(binding({ LANG: 'ja' }))).toEqual({ deleted: true });
    expect(await stored()).toEqual([]);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { lang: 'ja' } }))).queues).toEqual([]);
  });

  it('a legacy binding naming one header in two cases is left as it is at startup, and still loads and routes as it did', async () => {
    const twice = binding({ Lang: 'ja', lang: 'en' });
    expect(await restartAfterFixup(twice)).toEqual({ rewritten: 0, merged: 0, left: 1 });
    expect(await stored()).toEqual([twice]);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { lang: 'en' } }))).queues).toEqual(['q']);
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { lang: 'fr' } }))).queues).toEqual([]);
    // It cannot be declared (nor unbound) through the broker any more; deleting its queue removes it.
    await expect(t.broker.unbind(twice)).rejects.toMatchObject({ code: 'validation_failed' });
    await t.broker.deleteQueue('q');
    expect(await stored()).toEqual([]);
  });

  it('a broker starting runs the fix-up itself, before it loads the topology', async () => {
    expect(await writeBinding(t.db, binding({ 'X-Type': 'a' }))).toBe(true);
    await t.broker.stop();
    t = { ...t, broker: createBroker({ db: t.db, node: 'test-node', sweepIntervalMs: 100 }) };
    await t.broker.start();
    expect(await stored()).toEqual([binding({ 'x-type': 'a' })]);
    expect(await t.broker.unbind(binding({ 'x-type': 'a' }))).toEqual({ deleted: true });
  });
});
