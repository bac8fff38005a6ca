import { PGlite } from '@electric-sql/pglite';
import type { Db, Row } from './driver';
import { binaryParamSerializers } from './pglite-params';
import { preparedStatements } from './pglite-statements';

const BYTEA = 17;

/**
 * How PGlite reads bytea (message bodies) and sends parameters, in every query. PGlite's own
 * bytea parser turns the hex text into bytes with one parseInt per byte: about 90 µs per KiB,
 * 8.8 ms to read 100 bodies of 1 KiB, more than the rest of a claim. Node's hex codec does it in
 * 1.2 ms. Parameters go in binary form where that is cheap (pglite-params.ts). Applied by
 * wrapPglite rather than given to the constructor: a PGlite made by clone() (the tests'
 * databases) would not keep constructor options.
 */
const pgliteCodecs = {
  parsers: { [BYTEA]: (text: string) => Buffer.from(text.slice(2), 'hex') }, // hex output format: \x0a1b…
  // PGlite's types say a serializer returns a string; its Bind (pg-protocol's) also takes bytes and
  // sends those in binary format, which pglite-params.test.ts checks on the installed version.
  serializers: binaryParamSerializers,
};

/**
 * PGlite behind the Db seam. PGlite is one connection in this process: its own mutex
 * serialises queries, and `transaction` holds it for the whole transaction. Statements run
 * prepared (pglite-statements.ts); bytea and parameters go through pgliteCodecs.
 */
export function wrapPglite(pg: PGlite): Db {
  const statements = preparedStatements(pg, pgliteCodecs.serializers, pgliteCodecs.parsers);
  return {
    kind: 'pglite',
    query: statements.query,
    // synchronous_commit is meaningless for an embedded single-process database: ignored.
    tx: (fn) =>
      pg.transaction((t) =>
        fn({
          // async, so that a closed transaction rejects (as PGlite's own tx.query does) rather than throws
          query: async <T extends Row>(text: string, params?: unknown[]) => {
            if (t.closed) throw new Error('Transaction is closed');
            return statements.queryInTransaction<T>(text, params);
          },
        }),
      ),
    async listen(channel, onPayload) {
      return pg.listen(channel, onPayload);
    },
    close: () => pg.close(),
    stats: () => ({ total: 1, active: 0, waiting: 0 }),
  };
}

/** Opens (creating if needed) a PGlite data directory, or an in-memory database when dir is undefined. */
export async function openPglite(dir?: string): Promise<{ db: Db; pg: PGlite }> {
  const pg = dir ? new PGlite(dir) : new PGlite();
  await pg.waitReady;
  return { db: wrapPglite(pg), pg };
}
