import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './driver';
import { wrapPglite } from './pglite';
import { binaryParamSerializers } from './pglite-params';

const TEXT = 25;
const TEXT_ARRAY = 1009;
const UUID_ARRAY = 2951;
const INT8_ARRAY = 1016;

describe('PGlite parameters in binary format', () => {
  let d: Db;
  beforeAll(() => {
    d = wrapPglite(new PGlite());
  });
  afterAll(() => d.close());

  it('takes the binary path for the types it covers: bytes in PostgreSQL’s array layout', () => {
    const text = binaryParamSerializers[TEXT]!('hé');
    expect(Buffer.isBuffer(text) && [...text]).toEqual([0x68, 0xc3, 0xa9]);
    const arr = binaryParamSerializers[TEXT_ARRAY]!(['a', null]) as Buffer;
    expect(Buffer.isBuffer(arr)).toBe(true);
    // ndim 1, has nulls, element type 25, length 2, lower bound 1, 'a' (1 byte), NULL (-1)
    expect([...arr.subarray(0, 20)]).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 25, 0, 0, 0, 2, 0, 0, 0, 1]);
    expect(arr.readInt32BE(20)).toBe(1);
    expect(arr.toString('utf8', 24, 25)).toBe('a');
    expect(arr.readInt32BE(25)).toBe(-1);
    expect(arr.length).toBe(29);
    expect(Buffer.isBuffer(binaryParamSerializers[UUID_ARRAY]!(['0190a4c2-7f00-7000-8000-000000000001']))).toBe(true);
    expect(Buffer.isBuffer(binaryParamSerializers[INT8_ARRAY]!([1, 2n]))).toBe(true);
  });

  it('reads back text exactly: multi-byte characters, emoji, quotes, empty, large', async () => {
    const values = ['', 'plain', 'héllo wörld', '波止場', 'emoji 🚢 and ✓', `quotes ' " and \\ backslash`, '{,}', 'x'.repeat(70_000)];
    for (const v of values) {
      const [row] = await d.query<{ t: string; bytes: number }>('SELECT $1::text AS t, octet_length($1::text) AS bytes', [v]);
      expect(row).toEqual({ t: v, bytes: Buffer.byteLength(v) });
    }
    const [json] = await d.query<{ j: unknown }>('SELECT $1::text::json AS j', [JSON.stringify({ a: 'ü', b: [1, null] })]);
    expect(json!.j).toEqual({ a: 'ü', b: [1, null] });
    const [num] = await d.query<{ t: string }>('SELECT $1::text AS t', [42]);
    expect(num!.t).toBe('42');
  });

  it('reads back text arrays: NULL elements, the string NULL, delimiters, unicode, empty arrays', async () => {
    const arr = ['a', null, 'NULL', '', 'with,comma', '{braces}', 'quote"s', 'back\\slash', '波止場 🚢'];
    const [row] = await d.query<{ a: (string | null)[]; n: number; nulls: number }>(
      'SELECT $1::text[] AS a, cardinality($1::text[]) AS n, (SELECT count(*) FROM unnest($1::text[]) x WHERE x IS NULL)::int AS nulls',
      [arr],
    );
    expect(row).toEqual({ a: arr, n: arr.length, nulls: 1 });
    const [empty] = await d.query<{ n: number; isnull: boolean }>('SELECT cardinality($1::text[]) AS n, $1::text[] IS NULL AS isnull', [[]]);
    expect(empty).toEqual({ n: 0, isnull: false });
    const rows = await d.query<{ x: string; n: string }>('SELECT x, n::text FROM unnest($1::text[]) WITH ORDINALITY AS t(x, n)', [['b', 'a']]);
    expect(rows).toEqual([
      { x: 'b', n: '1' },
      { x: 'a', n: '2' },
    ]);
  });

  it('reads back uuid arrays; other spellings are sent as text and an invalid one fails as before', async () => {
    const ids = ['0190a4c2-7f00-7000-8000-000000000001', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF', null];
    const [row] = await d.query<{ a: (string | null)[] }>('SELECT $1::uuid[] AS a', [ids]);
    expect(row!.a).toEqual(['0190a4c2-7f00-7000-8000-000000000001', 'ffffffff-ffff-4fff-bfff-ffffffffffff', null]);
    const [plain] = await d.query<{ a: string[] }>('SELECT $1::uuid[] AS a', [['0190a4c27f0070008000000000000001']]);
    expect(plain!.a).toEqual(['0190a4c2-7f00-7000-8000-000000000001']);
    await expect(d.query('SELECT $1::uuid[] AS a', [['not-a-uuid']])).rejects.toMatchObject({ code: '22P02' });
  });

  it('reads back int8 arrays up to the int8 range; a fraction is sent as text and fails as before', async () => {
    const [row] = await d.query<{ a: string[] }>('SELECT $1::int8[]::text[] AS a', [[0, -1, 2 ** 53 - 1, 9223372036854775807n, -9223372036854775808n, null]]);
    expect(row!.a).toEqual(['0', '-1', '9007199254740991', '9223372036854775807', '-9223372036854775808', null]);
    await expect(d.query('SELECT $1::int8[] AS a', [[1.5]])).rejects.toMatchObject({ code: '22P02' });
  });

  it('refuses a bytea parameter that is not bytes', async () => {
    await expect(d.query('SELECT $1::bytea AS b', ['not bytes'])).rejects.toThrow('Invalid input for bytea type');
  });
});
