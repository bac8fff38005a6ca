import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Row } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import { watchQueries } from '../../../test/broker';
import { drivers, openTestDb } from '../../../test/databases';
import { until } from '../../../test/until';
import { TOPOLOGY_CHANNEL } from '../topology';
import { lowercaseBindingHeaders } from '../topology-checks';
import type { Binding } from '../types';
import { fixUpStoredHeaderBindings, lowercaseStoredHeaderBindings } from './binding-case-fixup';
import { bindingSignature, writeBinding } from './topology-write';

/**
 * Headers bindings stored before header-match names were lowercased keep their names as given and
 * a signature of those: the startup fix-up rewrites them lowercased, deletes those whose lowercased
 * binding is stored already, and leaves those whose names would collide. Legacy rows are written
 * as the broker wrote them then: writeBinding stores the binding as it is given.
 */
describe.each(drivers)('lowercaseStoredHeaderBindings, on %s', (driver) => {
  let db: Db;
  beforeEach(async () => {
    db = await openTestDb(driver);
  });
  afterEach(async () => db.close());

  const binding = (values: Record<string, string>, o: { match?: 'all' | 'any'; queue?: string; key?: string } = {}): Binding => ({
    exchange: 'hx',
    queue: o.queue ?? 'q',
    key: o.key ?? '',
    headers: { match: o.match ?? 'any', values },
  });
  /** The stored rows, in id order, with their signatures. */
  const rows = async () =>
    (await db.query<{ id: string | number; queue: string; key: string; headers_match: string | null; headers: unknown; signature: string }>('SELECT * FROM bindings ORDER BY id')).map((r) => ({
      id: Number(r.id),
      queue: r.queue,
      key: r.key,
      match: r.headers_match,
      values: jsonValue(r.headers),
      signature: r.signature,
    }));
  const legacy = async (b: Binding) => {
    expect(await writeBinding(db, b)).toBe(true);
    return (await rows()).at(-1)!.id;
  };

  it('at startup: logs what it fixed (info) and what it left (warning), and nothing when there was nothing to do', async () => {
    const logged: [string, object, string | undefined][] = [];
    const log = { info: (o: object, m?: string) => void logged.push(['info', o, m]), warn: (o: object, m?: string) => void logged.push(['warn', o, m]) };
    await fixUpStoredHeaderBindings(db, log);
    expect(logged).toEqual([]);
    await legacy(binding({ 'X-Type': 'a' }));
    await legacy(binding({ Lang: 'ja', lang: 'en' }));
    await fixUpStoredHeaderBindings(db, log);
    expect(logged).toEqual([
      ['info', { rewritten: 1, merged: 0, left: 1 }, expect.stringContaining('fixed up')],
      ['warn', { rewritten: 1, merged: 0, left: 1 }, expect.stringContaining('left as they are')],
    ]);
  });

  it('nothing to do: no bindings, or only lowercase and non-headers ones, is all zeros in one statement, and changes nothing', async () => {
    const statements: string[] = [];
    const watched = watchQueries(db, (sql) => void statements.push(sql));
    expect(await lowercaseStoredHeaderBindings(watched)).toEqual({ rewritten: 0, merged: 0, left: 0 });
    expect(statements).toHaveLength(1);

    await writeBinding(db, binding({ 'x-type': 'a', 'ümlaut': 'b' }));
    await writeBinding(db, { exchange: 'tx', queue: 'q', key: 'Orders.*' });
    await writeBinding(db, binding({}, { match: 'all' }));
    const before = await rows();
    statements.length = 0;
    expect(await lowercaseStoredHeaderBindings(watched)).toEqual({ rewritten: 0, merged: 0, left: 0 });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT/);
    expect(await rows()).toEqual(before);
  });

  it('rewritten: a legacy row gets lowercased names and the lowercased signature, keeping its id; a second run does nothing', async () => {
    const id = await legacy(binding({ 'X-Type': 'a', Lang: 'ja', plain: 'p' }, { key: 'K' }));
    const nonAscii = await legacy(binding({ 'Ärger': 'x' }, { queue: 'q2' }));
    const notified: string[] = [];
    const unlisten = await db.listen(TOPOLOGY_CHANNEL, (p) => void notified.push(p));
    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 2, merged: 0, left: 0 });
    // Running nodes are told to reload (the payload is no node's id, so every node reloads).
    expect(await until('the topology NOTIFY', () => notified.length > 0 && notified)).toEqual(['changed']);
    await unlisten();
    const lowered = lowercaseBindingHeaders(binding({ 'X-Type': 'a', Lang: 'ja', plain: 'p' }, { key: 'K' }));
    expect(await rows()).toEqual([
      { id, queue: 'q', key: 'K', match: 'any', values: { 'x-type': 'a', lang: 'ja', plain: 'p' }, signature: bindingSignature(lowered) },
      { id: nonAscii, queue: 'q2', key: '', match: 'any', values: { 'ärger': 'x' }, signature: bindingSignature(binding({ 'ärger': 'x' }, { queue: 'q2' })) },
    ]);
    // Now plain signature matching finds it: a re-declare of the lowercased binding is no new row.
    expect(await writeBinding(db, lowered)).toBe(false);

    const after = await rows();
    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 0, merged: 0, left: 0 });
    expect(await rows()).toEqual(after);
  });

  it('merged: a legacy row whose lowercased binding is stored already (same exchange and queue) is deleted; a second run does nothing', async () => {
    const kept = await legacy(binding({ 'x-type': 'a' }));
    await legacy(binding({ 'X-Type': 'a' }));
    // Two legacy case variants of one binding, neither lowercase: the first is rewritten, the second merged into it.
    const first = await legacy(binding({ Region: 'eu' }, { match: 'all' }));
    await legacy(binding({ REGION: 'eu' }, { match: 'all' }));
    // Another queue's and another match's bindings are other bindings: rewritten, not merged.
    const otherQueue = await legacy(binding({ 'X-Type': 'a' }, { queue: 'q2' }));
    const otherMatch = await legacy(binding({ 'X-Type': 'a' }, { match: 'all' }));

    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 3, merged: 2, left: 0 });
    const sig = (b: Binding) => bindingSignature(b);
    expect(await rows()).toEqual([
      { id: kept, queue: 'q', key: '', match: 'any', values: { 'x-type': 'a' }, signature: sig(binding({ 'x-type': 'a' })) },
      { id: first, queue: 'q', key: '', match: 'all', values: { region: 'eu' }, signature: sig(binding({ region: 'eu' }, { match: 'all' })) },
      { id: otherQueue, queue: 'q2', key: '', match: 'any', values: { 'x-type': 'a' }, signature: sig(binding({ 'x-type': 'a' }, { queue: 'q2' })) },
      { id: otherMatch, queue: 'q', key: '', match: 'all', values: { 'x-type': 'a' }, signature: sig(binding({ 'x-type': 'a' }, { match: 'all' })) },
    ]);

    const after = await rows();
    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 0, merged: 0, left: 0 });
    expect(await rows()).toEqual(after);
  });

  it('left: a legacy row whose names collide when lowercased stays as it is, on every run', async () => {
    const b = binding({ A: '1', a: '2' }, { match: 'all' });
    const id = await legacy(b);
    const fixable = await legacy(binding({ B: '1' }));
    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 1, merged: 0, left: 1 });
    expect(await rows()).toEqual([
      { id, queue: 'q', key: '', match: 'all', values: { A: '1', a: '2' }, signature: bindingSignature(b) },
      { id: fixable, queue: 'q', key: '', match: 'any', values: { b: '1' }, signature: bindingSignature(binding({ b: '1' })) },
    ]);
    // Idempotent: nothing rewritten or merged again; the row that cannot be expressed is reported again.
    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 0, merged: 0, left: 1 });
    expect((await rows())[0]).toEqual({ id, queue: 'q', key: '', match: 'all', values: { A: '1', a: '2' }, signature: bindingSignature(b) });
  });

  it('a rewrite that meets the lowercased binding stored meanwhile (the unique signature) merges instead of failing', async () => {
    await legacy(binding({ 'X-Type': 'a' }));
    let raced = false;
    // Another node binds the lowercased binding between the merge check and the rewrite.
    const racing: Db = {
      ...db,
      async query<T extends Row>(sql: string, params?: unknown[]) {
        if (!raced && sql.startsWith('UPDATE bindings')) {
          raced = true;
          expect(await writeBinding(db, binding({ 'x-type': 'a' }))).toBe(true);
        }
        return db.query<T>(sql, params);
      },
    };
    expect(await lowercaseStoredHeaderBindings(racing)).toEqual({ rewritten: 0, merged: 1, left: 0 });
    expect(raced).toBe(true);
    expect((await rows()).map((r) => r.values)).toEqual([{ 'x-type': 'a' }]);
  });

  it('two nodes at once: every row is fixed once between them, and the result is that of one run', async () => {
    await legacy(binding({ 'X-Type': 'a' }));
    await legacy(binding({ 'x-TYPE': 'a' }));
    await legacy(binding({ Lang: 'ja' }, { match: 'all' }));
    await legacy(binding({ A: '1', a: '2' }, { queue: 'q2' }));
    for (let i = 0; i < 20; i++) await legacy(binding({ [`N-${i}`]: 'v' }, { queue: `q${i}` }));
    const [a, b] = await Promise.all([lowercaseStoredHeaderBindings(db), lowercaseStoredHeaderBindings(db)]);
    expect({ rewritten: a.rewritten + b.rewritten, merged: a.merged + b.merged }).toEqual({ rewritten: 22, merged: 1 });
    // Both see the row that cannot be expressed, which neither changes.
    expect([a.left, b.left]).toEqual([1, 1]);
    const stored = await rows();
    expect(stored).toHaveLength(23);
    expect(stored.filter((r) => Object.keys(r.values as object).some((n) => n !== n.toLowerCase())).map((r) => r.values)).toEqual([{ A: '1', a: '2' }]);
    expect(await lowercaseStoredHeaderBindings(db)).toEqual({ rewritten: 0, merged: 0, left: 1 });
  });
});
