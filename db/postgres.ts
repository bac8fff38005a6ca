import postgres from 'postgres';
import type { Db, Row, Sql, TxOptions } from './driver';

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
}

/** postgres.js behind the Db seam. Statements are prepared once per connection and reused. */
export function openPostgres(options: PostgresOptions): Db {
  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connection: {
      application_name: 'hatoba',
      // A transaction left open or stuck behind a lock must not stall the broker.
      idle_in_transaction_session_timeout: 30_000,
      lock_timeout: 10_000,
    },
  });
  const max = options.maxConnections ?? 10;
  let running = 0;
  const wrap = (q: postgres.Sql | postgres.TransactionSql): Sql => ({
    async query<T extends Row>(text: string, params: unknown[] = []) {
      running++;
      try {
        return (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[];
      } finally {
        running--;
      }
    },
  });
  const root = wrap(client);
  return {
    kind: 'postgres',
    query: root.query,
    async tx<T>(fn: (q: Sql) => Promise<T>, txOptions?: TxOptions) {
      return client.begin(async (t) => {
        // not awaited: pipelined ahead of the transaction's first statement
        const relaxed = txOptions?.synchronousCommit === false ? t.unsafe('SET LOCAL synchronous_commit = off') : undefined;
        relaxed?.catch(() => {}); // its failure fails the statements after it, which report it
        const result = await fn(wrap(t));
        await relaxed;
        return result;
      }) as Promise<T>;
    },
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, onPayload);
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
    stats: () => ({ total: max, active: Math.min(running, max), waiting: Math.max(0, running - max) }),
  };
}
