import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './driver';
import { wrapPglite } from './pglite';
import { MAX_PREPARED } from './pglite-statements';

describe('PGlite statements, prepared once per session', () => {
  let d: Db;
  beforeAll(() => {
    d = wrapPglite(new PGlite());
  });
  afterAll(() => d.close());

  const preparedCount = async (like = '%') =>
    Number((await d.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_prepared_statements WHERE statement LIKE $1', [like]))[0]!.n);

  it('prepares a statement on its first run and reuses it after, with the results of each run', async () => {
    await d.query('CREATE TABLE t_prep (n int PRIMARY KEY, s text)');
    const insert = 'INSERT INTO t_prep (n, s) VALUES ($1, $2) /* reuse */';
    for (let n = 1; n <= 20; n++) expect(await d.query(insert, [n, `v${n}`])).toEqual([]);
    expect(await preparedCount('%/* reuse */%')).toBe(1);
    const select = 'SELECT n, s FROM t_prep WHERE n <= $1 ORDER BY n';
    expect(await d.query(select, [2])).toEqual([
      { n: 1, s: 'v1' },
      { n: 2, s: 'v2' },
    ]);
    expect(await d.query(select, [0])).toEqual([]);
    // the same statement inside a transaction uses the same prepared statement
    await d.tx(async (q) => expect(await q.query(select, [1])).toEqual([{ n: 1, s: 'v1' }]));
    expect(await preparedCount('SELECT n, s FROM t_prep%')).toBe(1);
  });

  it('keeps at most MAX_PREPARED statements, closing the least recently used', async () => {
    for (let i = 0; i < MAX_PREPARED + 25; i++) await d.query(`SELECT ${i} AS n /* many */`);
    expect(await d.query('SELECT 7 AS n /* many */')).toEqual([{ n: 7 }]); // evicted earlier, prepared again
    expect(await preparedCount()).toBeLessThanOrEqual(MAX_PREPARED);
    expect(await preparedCount('%/* many */%')).toBeGreaterThan(MAX_PREPARED / 2);
  });

  it('prepares a statement again when a table it reads has changed shape', async () => {
    await d.query('CREATE TABLE t_shape (a int)');
    await d.query('INSERT INTO t_shape VALUES (1)');
    const all = 'SELECT * FROM t_shape';
    expect(await d.query(all)).toEqual([{ a: 1 }]);
    await d.query('ALTER TABLE t_shape ADD COLUMN b text DEFAULT $$x$$');
    expect(await d.query(all)).toEqual([{ a: 1, b: 'x' }]);
  });

  it('reports a statement that fails to parse, keeps nothing of it, and runs the next one', async () => {
    await expect(d.query('SELEC 1 /* typo */')).rejects.toMatchObject({ code: '42601' });
    expect(await preparedCount('%/* typo */%')).toBe(0);
    await expect(d.query('SELECT $1::int AS n', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect(await d.query('SELECT $1::int AS n', [5])).toEqual([{ n: 5 }]);
  });

  it('refuses a statement on a transaction that has ended', async () => {
    let kept: Parameters<Parameters<Db['tx']>[0]>[0] | undefined;
    await d.tx(async (q) => {
      kept = q;
    });
    await expect(kept!.query('SELECT 1')).rejects.toThrow('Transaction is closed');
  });
});
