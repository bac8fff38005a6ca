import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import type { Row } from './driver';
import type { Serializer } from './pglite-params';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

interface Prepared {
  name: string;
  paramTypes: number[];
  /** Execute sends no row description for a named statement: Describe gave it once. */
  rowDescription: BackendMessage | undefined;
}

/** Most statements kept prepared at once; past it the least recently used is closed. */
export const MAX_PREPARED = 200;

const { serialize } = protocol;
const join = (...parts: Uint8Array[]) => Buffer.concat(parts);

/**
 * Statements run as named prepared statements, parsed and planned once per PGlite session, as
 * postgres.js does on PostgreSQL. PGlite's own `query` sends Parse, Describe, Bind, Describe,
 * Execute and Sync for every call, each a separate trip into its WASM, and plans the statement
 * every time. Here a known statement is one trip: Bind, Execute and Sync in one buffer.
 *
 * The same messages PGlite builds, under the same mutexes (`_runExclusiveTransaction` and
 * `_runExclusiveQuery`, which its `query` and `transaction` take), and the same result parsing; what
 * differs is only that the statement is named and kept. Errors are PGlite's DatabaseError, with
 * the SQLSTATE fields, thrown once the Sync has been processed.
 */
export function preparedStatements(pg: PGlite, serializers: Record<number, Serializer>, parsers: Record<number, (text: string) => unknown>) {
  const prepared = new Map<string, Prepared>();
  let counter = 0;
  let toClose: string[] = [];

  async function prepare(text: string): Promise<Prepared> {
    if (prepared.size >= MAX_PREPARED) {
      const [oldest, evicted] = prepared.entries().next().value!;
      prepared.delete(oldest);
      toClose.push(evicted.name);
    }
    const name = `hatoba_${++counter}`;
    const closing = toClose.map((n) => serialize.close({ type: 'S', name: n }));
    toClose = [];
    const messages = await pg.execProtocolStream(join(...closing, serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()), {
      syncToFs: false,
    });
    const p: Prepared = {
      name,
      paramTypes: parse.parseDescribeStatementResults(messages),
      rowDescription: messages.find((m) => m.name === 'rowDescription'),
    };
    prepared.set(text, p);
    return p;
  }

  let ready = false;
  // As PGlite's own query does: a new PGlite may still be starting (and runs queries of its own
  // while it does, so this is awaited before taking its mutexes).
  const whenReady = async () => {
    if (ready) return;
    await pg.waitReady;
    ready = true;
  };

  async function execute<T extends Row>(text: string, params: unknown[], inTransaction: boolean, retried = false): Promise<T[]> {
    let p = prepared.get(text);
    if (p) {
      // most recently used last, so that eviction takes the least recently used
      prepared.delete(text);
      prepared.set(text, p);
    } else {
      p = await prepare(text);
    }
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const oid = p.paramTypes[i]!;
      const serializer = serializers[oid] ?? (pg.serializers[oid] as Serializer | undefined);
      return serializer ? serializer(value) : String(value);
    });
    let messages: BackendMessage[];
    try {
      messages = await pg.execProtocolStream(
        join(serialize.bind({ statement: p.name, values: values as never[] }), serialize.execute({}), serialize.sync()),
        { syncToFs: false },
      );
    } catch (e) {
      // A table a statement reads changed shape since it was prepared: prepare it again, once.
      if (!retried && (e as { code?: string }).code === '0A000' && /cached plan/.test(String((e as Error).message))) {
        prepared.delete(text);
        toClose.push(p.name);
        return execute(text, params, inTransaction, true);
      }
      throw e;
    }
    if (!inTransaction) await pg.syncToFs();
    const all = p.rowDescription ? [p.rowDescription, ...messages] : messages;
    return (parse.parseResults(all, pg.parsers, { parsers }) as Results<T>[])[0]!.rows;
  }

  return {
    /** A statement on its own, between transactions (as PGlite's `query`). */
    query: async <T extends Row>(text: string, params: unknown[] = []) => {
      await whenReady();
      return pg._runExclusiveTransaction(() => pg._runExclusiveQuery(() => execute<T>(text, params, false)));
    },
    /** A statement inside the transaction that holds PGlite now (as a transaction's `query`). */
    queryInTransaction: <T extends Row>(text: string, params: unknown[] = []) => pg._runExclusiveQuery(() => execute<T>(text, params, true)),
  };
}
