import { PGlite } from '@electric-sql/pglite';
import type { Db, Row, Sql } from './driver';
import { pgliteCodecs } from './pglite-codecs.mjs';

/**
 * PGlite behind the Db seam. PGlite is one connection in this process: its own mutex
 * serialises queries, and `transaction` holds it for the whole transaction. Bytea goes through
 * pgliteCodecs.
 */
export function wrapPglite(pg: PGlite): Db {
  const wrap = (q: Pick<PGlite, 'query'>): Sql => ({
    query: async <T extends Row>(text: string, params: unknown[] = []) => (await q.query<T>(text, params, pgliteCodecs)).rows,
  });
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    // synchronous_commit is meaningless for an embedded single-process database: ignored.
    tx: (fn) => pg.transaction((t) => fn(wrap(t))),
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
