import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './driver';
import { isConnectionLost } from './errors';
import { wrapPglite } from './pglite';

describe('PGlite behind the Db seam', () => {
  // One database for these tests (opening PGlite takes a second or two); each uses its own table.
  let d: Db;
  beforeAll(() => {
    d = wrapPglite(new PGlite());
  });
  afterAll(() => d.close());

  it('reads back every byte value of a bytea, from Buffer and Uint8Array parameters alike', async () => {
    await d.query('CREATE TABLE blobs (n int PRIMARY KEY, b bytea)');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = Buffer.alloc(64 * 1024, 0xab);
    await d.query('INSERT INTO blobs VALUES (1, $1), (2, $2), (3, $3), (4, NULL)', [all, big, new Uint8Array(0)]);
    const rows = await d.query<{ n: number; b: Uint8Array | null }>('SELECT n, b FROM blobs ORDER BY n');
    expect(rows.map((r) => r.b && [...r.b])).toEqual([[...all], [...big], [], null]);
    expect(rows[0]!.b).toBeInstanceOf(Uint8Array);
    // bytea written by SQL, not by a parameter, reads the same way
    const [decoded] = await d.query<{ b: Uint8Array }>("SELECT decode('00ff10', 'hex') AS b");
    expect([...decoded!.b]).toEqual([0, 255, 16]);
  });

  it('commits a transaction, and rolls one back when its callback throws', async () => {
    await d.query('CREATE TABLE t_tx (n int PRIMARY KEY)');
    await expect(d.tx(async (q) => (await q.query('INSERT INTO t_tx VALUES (1) RETURNING n'))[0])).resolves.toEqual({ n: 1 });
    await expect(
      d.tx(async (q) => {
        await q.query('INSERT INTO t_tx VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await d.query('SELECT n FROM t_tx ORDER BY n')).toEqual([{ n: 1 }]);
  });

  it('keeps the SQLSTATE fields of a failed statement, and rolls back the transaction it failed in', async () => {
    await d.query('CREATE TABLE t_err (n int CONSTRAINT t_err_pk PRIMARY KEY)');
    await d.query('INSERT INTO t_err VALUES (1)');
    const failure = await d
      .tx(async (q) => {
        await q.query('INSERT INTO t_err VALUES (2)');
        await q.query('INSERT INTO t_err VALUES (1)');
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ code: '23505', constraint: 't_err_pk', table: 't_err' });
    expect((failure as Error).message).toMatch(/duplicate key/);
    expect(isConnectionLost(failure)).toBe(false);
    expect(await d.query('SELECT n FROM t_err ORDER BY n')).toEqual([{ n: 1 }]);
  });

  it('makes a statement sent during a transaction wait until that transaction ends', async () => {
    await d.query('CREATE TABLE t_wait (n int)');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = d.tx(async (q) => {
      await q.query('INSERT INTO t_wait VALUES (1)');
      await held;
      await q.query('INSERT INTO t_wait VALUES (2)');
    });
    await new Promise((r) => setTimeout(r, 20)); // the transaction has begun
    const outside = d.query<{ n: string }>('SELECT count(*)::text AS n FROM t_wait');
    await new Promise((r) => setTimeout(r, 20));
    release();
    await tx;
    expect(await outside).toEqual([{ n: '2' }]);
  });

  it('delivers NOTIFY to a listener until it unlistens', async () => {
    const heard: string[] = [];
    const unlisten = await d.listen('hatoba_test', (p) => heard.push(p));
    await d.query("SELECT pg_notify('hatoba_test', 'one')");
    await expect.poll(() => heard).toEqual(['one']);
    await unlisten();
    await d.query("SELECT pg_notify('hatoba_test', 'two')");
    await d.query('SELECT 1'); // anything still in flight has arrived by now
    expect(heard).toEqual(['one']);
  });
});
