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
