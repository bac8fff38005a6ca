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
  /** false: this transaction may skip the wait for its WAL flush (synchronous_commit off). */
  synchronousCommit?: boolean;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  tx<T>(fn: (q: Sql) => Promise<T>, options?: TxOptions): Promise<T>;
  /** Subscribes to NOTIFY on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** Connection figures for metrics: pool size, statements running, statements waiting for a connection. */
  stats(): { total: number; active: number; waiting: number };
}

/** Both drivers hand back jsonb either parsed or as text; callers get it parsed. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
