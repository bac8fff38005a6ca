/**
 * Every failure the broker reports carries a stable code. Transports map codes to their own
 * status once (server/gateway/errors.ts); the message is safe to show a client.
 */
export const errorCodes = [
  'validation_failed',
  'invalid_name',
  'invalid_routing_key',
  'reserved_name',
  'exchange_not_found',
  'queue_not_found',
  'message_not_found',
  'exchange_type_mismatch',
  'queue_settings_mismatch',
  'queue_in_use',
  'exchange_in_use',
  'unroutable',
  'invalid_receipt',
  'replay_target_not_found',
  'reply_timeout',
  'memory_limit',
  'replication_unavailable',
  'duplicate_request',
  'shutting_down',
  'database_timeout',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class BrokerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BrokerError';
  }
}

export const notFound = (kind: 'exchange' | 'queue' | 'message', name: string) =>
  new BrokerError(`${kind}_not_found`, `${kind[0]!.toUpperCase()}${kind.slice(1)} '${name}' does not exist`, {
    [kind]: name,
  });

/** How long a publish or ack waits for its commit by default (HATOBA_COMMIT_TIMEOUT). */
export const DEFAULT_COMMIT_TIMEOUT_MS = 15_000;

/**
 * A write the database did not confirm within the commit timeout (HATOBA_COMMIT_TIMEOUT). `sent`:
 * it reached the database, and may still commit when that answers; else nothing was written.
 */
export function commitTimeout(what: 'publish' | 'ack', o: { waitedMs: number; sent: boolean; timeoutMs: number }): BrokerError {
  const waited = `${(o.timeoutMs / 1000).toLocaleString('en-US')} s`;
  const retry = what === 'publish' ? 'retry with the same Idempotency-Key to keep a single copy' : 'retry, or let the lease run out and the message come again';
  const message = o.sent
    ? `The database did not confirm this ${what} within ${waited}; it may still take effect when the database answers: ${retry}`
    : `The database did not take this ${what} within ${waited} (earlier work was still waiting on it); nothing of it was written: retry`;
  return new BrokerError('database_timeout', message, { timeoutMs: o.timeoutMs, waitedMs: o.waitedMs, written: o.sent ? 'unknown' : false });
}

/** A request that waited the commit timeout for this node's topology reload, before it did anything. */
export function reloadTimeout(o: { waitedMs: number; timeoutMs: number }): BrokerError {
  const waited = `${(o.timeoutMs / 1000).toLocaleString('en-US')} s`;
  return new BrokerError(
    'database_timeout',
    `The database did not answer this node's topology reload within ${waited}; nothing of this request was done: retry`,
    { timeoutMs: o.timeoutMs, waitedMs: o.waitedMs, written: false },
  );
}

