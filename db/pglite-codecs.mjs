// @ts-check
/**
 * How PGlite reads and writes bytea (message bodies), used on every PGlite query, in this thread
 * (db/pglite.ts) and in the worker (db/pglite-worker.mjs). PGlite's own bytea parser turns the
 * hex text into bytes one parseInt per byte: about 90 µs per KiB, 8.8 ms to read 100 bodies of
 * 1 KiB, more than the rest of a claim. Node's hex codec does it in 1.2 ms.
 * Plain JavaScript so that the worker can load it without a TypeScript loader.
 */
const BYTEA = 17;

export const pgliteCodecs = {
  parsers: {
    /** @param {string} text bytea in hex output format: \x0a1b… */
    [BYTEA]: (text) => Buffer.from(text.slice(2), 'hex'),
  },
  serializers: {
    /** @param {unknown} value */
    [BYTEA]: (value) => {
      if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    },
  },
};
