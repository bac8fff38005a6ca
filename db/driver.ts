/**
 * The one seam between Hatoba and its database. Both drivers (PGlite, postgres.js) are
 * wrapped behind the same small interface, so the broker's SQL runs unchanged on either.
 */
export type Row = Record<string, unknown>;

export interface Sql {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface TxOptions {
  /**
   * false: this transaction may skip the wait for its WAL flush (synchronous_commit off).
   * 'remote_apply': its commit also waits until a synchronous standby has applied it (the
   * replicated tier). true or absent: the server's own setting.
   */
  synchronousCommit?: boolean | 'remote_apply';
}

/** The SET LOCAL a transaction starts with for these options, or undefined for the server's own setting. */
export function synchronousCommitStatement(options?: TxOptions): string | undefined {
  if (options?.synchronousCommit === false) return 'SET LOCAL synchronous_commit = off';
  if (options?.synchronousCommit === 'remote_apply') return 'SET LOCAL synchronous_commit = remote_apply';
  return undefined;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  tx<T>(fn: (q: Sql) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * Subscribes to NOTIFY on a channel; resolves to an unsubscribe function. `onReconnect` runs
   * each time the subscription is re-established after its connection was lost: notifications
   * sent meanwhile were missed, so the caller catches up.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /**
   * A dedicated session outside the pool, for session-level state (advisory locks). Absent on
   * PGlite, which is one session in one process.
   */
  session?(options?: SessionOptions): Promise<DbSession>;
  /** Connection figures for metrics: pool size, statements running, statements waiting for a connection. */
  stats(): { total: number; active: number; waiting: number };
}

/** Both drivers hand back jsonb either parsed or as text; callers get it parsed. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export interface SessionOptions {
  /** Server-side settings for this session only (e.g. idle_session_timeout). */
  settings?: Record<string, string | number>;
}

/** One connection, one session: its state (locks) lives exactly as long as `closed` is pending. */
export interface DbSession extends Sql {
  /** Resolves once the connection is gone, for whatever reason; the session's locks went with it. */
  readonly closed: Promise<void>;
  /** The server process id of this session (pg_stat_activity.pid, pg_locks.pid). */
  readonly pid: number;
  close(): Promise<void>;
}
