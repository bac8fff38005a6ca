import type { ParserOptions, SerializerOptions } from '@electric-sql/pglite';

/** bytea through Node's hex codec instead of PGlite's per-byte one (pglite-codecs.mjs). */
export declare const pgliteCodecs: { parsers: ParserOptions; serializers: SerializerOptions };
