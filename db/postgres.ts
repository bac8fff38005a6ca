import postgres from 'postgres';
import { synchronousCommitStatement, type Db, type DbSession, type Row, type SessionOptions, type Sql, type TxOptions } from './driver';
import { isConnectionLost } from './errors';

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
}

const APPLICATION_NAME = 'hatoba';
/** Seconds a connection attempt may take (TCP, TLS, authentication) before it is retried. */
const CONNECT_TIMEOUT_S = 5;
/** A promise that never settles: what a statement on a lost transaction connection becomes. */
const never = () => new Promise<never>(() => {});

/**
 * Seconds before reconnecting after a failed attempt: 50 ms doubling to at most 1 s, jittered.
 * postgres.js's own backoff grows to 20 s with a retry count its connections share, so a pool
 * that failed a few times while PostgreSQL restarted would sit idle long after it came back.
 */
export function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2);
}

/**
 * postgres.js 3.4 fetches the array types on every new connection and drops that promise
 * (connection.js: `return fetchArrayTypes()`): a connection destroyed while the fetch waits (a
 * database that froze, then a stop or a reconnect) rejects it unhandled, which ends the process.
 * The types live on the pool's shared options, so once a query has run on a connection that
 * fetched them, later connections (new ones, reconnects) need not fetch them again.
 */
function typesFetched(client: postgres.Sql): void {
  (client.options as { fetch_types: boolean }).fetch_types = false;
}

/** postgres.js behind the Db seam. Statements are prepared once per connection and reused. */
export function openPostgres(options: PostgresOptions): Db {
  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    backoff: reconnectDelaySeconds,
    // A reconnect that hangs (seen when connections are ended while the pool reconnects: about
    // one outage test in four stalled until postgres.js's default 30 s ran out) holds the
    // statements queued on that connection, publishes included, until it times out.
    connect_timeout: CONNECT_TIMEOUT_S,
    connection: {
      application_name: APPLICATION_NAME,
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
        const rows = (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[];
        if (client.options.fetch_types) typesFetched(client);
        return rows;
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
      // postgres.js 3.4 writes to a transaction's connection after it closed (its ROLLBACK, or
      // our next statement), which throws from a timer and kills the process, and may land on
      // the connection once the pool reuses it (porsager/postgres#1208, #1154). So once the
      // connection is known lost, nothing more is sent: the callback is left pending forever
      // and the caller gets begin()'s own CONNECTION_CLOSED rejection.
      let lost = false;
      // Once the connection is known lost the caller is answered at once with that error:
      // begin() itself does not always reject (seen: ~30 s later), and a group commit waiting on
      // it would hold every publish behind it.
      let giveUp!: (e: unknown) => void;
      const abandoned = new Promise<never>((_, reject) => (giveUp = reject));
      abandoned.catch(() => {});
      const markLost = (e: unknown) => {
        if (!lost) giveUp(e);
        lost = true;
      };
      const result = client.begin(async (t) => {
        const q = wrap(t);
        const guarded: Sql = {
          async query(text, params) {
            if (lost) return never();
            try {
              return await q.query(text, params);
            } catch (e) {
              if (lost || isConnectionLost(e)) {
                markLost(e);
                return never();
              }
              throw e;
            }
          },
        };
        try {
          // not awaited: pipelined ahead of the transaction's first statement
          const setting = synchronousCommitStatement(txOptions);
          const configured = setting ? guarded.query(setting) : undefined;
          configured?.catch(() => {}); // its failure fails the statements after it, which report it
          const value = await fn(guarded);
          await configured;
          return lost ? never() : value;
        } catch (e) {
          if (lost || isConnectionLost(e)) {
            markLost(e);
            return never();
          }
          throw e;
        }
      }) as Promise<T>;
      result.catch((e) => markLost(e));
      return Promise.race([result, abandoned]);
    },
    async listen(channel, onPayload, onReconnect) {
      // postgres.js re-LISTENs by itself when its listening connection comes back, and calls
      // onlisten each time: the first call is the subscription itself, later ones are reconnects.
      let subscribed = false;
      const sub = await client.listen(channel, onPayload, () => {
        if (subscribed) onReconnect?.();
        subscribed = true;
      });
      subscribed = true;
      return () => sub.unlisten();
    },
    session: (sessionOptions) => openSession(options.url, sessionOptions),
    close: () => client.end({ timeout: 5 }),
    stats: () => ({ total: max, active: Math.min(running, max), waiting: Math.max(0, running - max) }),
  };
}

/**
 * A client of its own with one connection that is never recycled (the pool's max_lifetime
 * would silently drop a session lock). Not sql.reserve(): a reserved connection whose backend
 * dies throws from a timer on its next statement (porsager/postgres#1208). Once the connection
 * closes, this session refuses every statement: reconnecting would be a new session, without
 * the state its holder believes it has.
 */
async function openSession(url: string, options: SessionOptions = {}): Promise<DbSession> {
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  let isClosed = false;
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    connect_timeout: CONNECT_TIMEOUT_S,
    fetch_types: false,
    onnotice: () => {},
    onclose: () => {
      isClosed = true;
      markClosed();
    },
    connection: { application_name: APPLICATION_NAME, ...options.settings },
  });
  const query = async <T extends Row>(text: string, params: unknown[] = []): Promise<T[]> => {
    if (isClosed) throw Object.assign(new Error('The database session is closed'), { code: 'CONNECTION_CLOSED' });
    return (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
  };
  const close = async () => {
    isClosed = true;
    markClosed();
    await sql.end({ timeout: 1 }).catch(() => {});
  };
  try {
    const [row] = await query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return { query, closed, close, pid: row!.pid };
  } catch (e) {
    await close();
    throw e;
  }
}
