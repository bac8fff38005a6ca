import { types } from '@electric-sql/pglite';

/**
 * How Hatoba's query parameters travel to PGlite: in PostgreSQL's binary format wherever that
 * is cheap to build with Node's native codecs.
 *
 * PGlite (0.5) sends every parameter it gets as a string in text format, and measures each
 * string's UTF-8 length twice with a JavaScript loop over its characters. A publish flush
 * carries about 100 KB of strings (the bodies as base64 in a text[], the other fields as one
 * JSON text), so under a publish load those loops were a quarter of the server's CPU, on the
 * thread that also runs PGlite and HTTP. A parameter given as bytes is sent as is, in binary
 * format: for text that is its UTF-8, for bytea the bytes themselves, and for arrays of text,
 * uuid and int8 PostgreSQL's array layout, built here in one buffer.
 *
 * Anything these encoders do not cover exactly (a uuid not in its usual hyphenated form, an
 * int8 that is not a safe integer, a nested array) goes PGlite's own way, as text, so that
 * PostgreSQL parses it and reports the same errors as before.
 */

const BYTEA = 17;
const INT8 = 20;
const TEXT = 25;
const UUID = 2950;
const TEXT_ARRAY = 1009;
const INT8_ARRAY = 1016;
const UUID_ARRAY = 2951;

export type Serializer = (value: unknown) => unknown;
const pgliteSerializers = types.serializers as Record<number, Serializer>;

/** PGlite's own text form of an array: what a value these encoders do not cover is sent as. */
const pgliteArray = (xs: unknown, elementOid: number, arrayOid: number): unknown =>
  types.arraySerializer(xs, pgliteSerializers[elementOid] as never, arrayOid);

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * PostgreSQL's binary array layout, one dimension: ndim, has-nulls flag, element type, length,
 * lower bound 1, then per element its byte length (-1 for NULL) and its bytes. An empty array
 * is the header with ndim 0.
 */
function binaryArray(elementOid: number, items: readonly unknown[], size: (x: unknown) => number, write: (buf: Buffer, at: number, x: unknown) => void): Buffer {
  if (items.length === 0) {
    const empty = Buffer.alloc(12);
    empty.writeInt32BE(elementOid, 8);
    return empty;
  }
  let bytes = 20;
  let nulls = 0;
  for (const x of items) {
    if (x == null) nulls = 1;
    bytes += 4 + (x == null ? 0 : size(x));
  }
  const buf = Buffer.allocUnsafe(bytes);
  buf.writeInt32BE(1, 0);
  buf.writeInt32BE(nulls, 4);
  buf.writeInt32BE(elementOid, 8);
  buf.writeInt32BE(items.length, 12);
  buf.writeInt32BE(1, 16);
  let at = 20;
  for (const x of items) {
    if (x == null) {
      buf.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const n = size(x);
    buf.writeInt32BE(n, at);
    write(buf, at + 4, x);
    at += 4 + n;
  }
  return buf;
}

const textOf = (x: unknown): string => (typeof x === 'string' ? x : String(x));

function textArray(xs: unknown): unknown {
  if (!Array.isArray(xs) || xs.some((x) => Array.isArray(x) || (x != null && typeof x === 'object'))) return pgliteArray(xs, TEXT, TEXT_ARRAY);
  return binaryArray(
    TEXT,
    xs,
    (x) => Buffer.byteLength(textOf(x), 'utf8'),
    (buf, at, x) => void buf.write(textOf(x), at, 'utf8'),
  );
}

function uuidArray(xs: unknown): unknown {
  if (!Array.isArray(xs) || !xs.every((x) => x == null || (typeof x === 'string' && UUID_TEXT.test(x)))) return pgliteArray(xs, UUID, UUID_ARRAY);
  return binaryArray(
    UUID,
    xs,
    () => 16,
    (buf, at, x) => void buf.write((x as string).replaceAll('-', ''), at, 'hex'),
  );
}

function int8Array(xs: unknown): unknown {
  if (!Array.isArray(xs) || !xs.every((x) => x == null || typeof x === 'bigint' || Number.isSafeInteger(x))) return pgliteArray(xs, INT8, INT8_ARRAY);
  return binaryArray(
    INT8,
    xs,
    () => 8,
    (buf, at, x) => void buf.writeBigInt64BE(BigInt(x as number | bigint), at),
  );
}

function text(x: unknown): unknown {
  if (x != null && typeof x === 'object') return (pgliteSerializers[TEXT] ?? String)(x);
  return Buffer.from(textOf(x), 'utf8');
}

function bytea(x: unknown): unknown {
  if (!(x instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return x;
}

/** Serializers by parameter type, given to every PGlite query (see db/pglite.ts). */
export const binaryParamSerializers: Record<number, Serializer> = {
  [BYTEA]: bytea,
  [TEXT]: text,
  [TEXT_ARRAY]: textArray,
  [UUID_ARRAY]: uuidArray,
  [INT8_ARRAY]: int8Array,
};
