import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { message, startTestBroker, type TestBroker } from '../../test/broker';
import { drivers } from '../../test/databases';
import { createBroker } from './broker';
import { writeBinding } from './pg/topology-write';
import type { Binding } from './types';

/**
 * A headers binding's names are lowercased, as message header names are (see
 * server/gateway/header-bindings.test.ts for the API): case variants are one binding. Rows stored
 * before, with names as given, are found by their case variants too.
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

  it('a binding stored with upper-case names before is found by a re-declare and an unbind in another case', async () => {
    await writeBinding(t.db, binding({ 'X-Type': 'a' }));
    await writeBinding(t.db, { exchange: 'hx', queue: 'q', key: '', headers: { match: 'all', values: { 'X-Type': 'a' } } });
    await t.broker.stop();
    t = { ...t, broker: createBroker({ db: t.db, node: 'test-node', sweepIntervalMs: 100 }) };
    await t.broker.start();
    expect(await t.broker.bind(binding({ 'x-type': 'a' }))).toMatchObject({ created: false });
    expect(await stored()).toHaveLength(2);
    // It still routes, as it did: matching always lowercased the binding's names.
    expect((await t.broker.publish(message('hx', '', 'x', { headers: { 'x-type': 'a' } }))).queues).toEqual(['q']);
    expect(await t.broker.unbind(binding({ 'x-TYPE': 'a' }))).toEqual({ deleted: true });
    // The `all` one was another binding, and stays.
    expect(await stored()).toEqual([{ exchange: 'hx', queue: 'q', key: '', headers: { match: 'all', values: { 'X-Type': 'a' } } }]);
    expect(await t.broker.unbind({ exchange: 'hx', queue: 'q', key: '', headers: { match: 'all', values: { 'X-Type': 'a' } } })).toEqual({ deleted: true });
    expect(await stored()).toEqual([]);
  });
});
