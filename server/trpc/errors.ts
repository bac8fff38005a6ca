import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { BrokerError, type ErrorCode } from '../broker/errors';

/** Every broker code's tRPC code, in one table (the gateway keeps its own for HTTP statuses). */
const CODES: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  validation_failed: 'BAD_REQUEST',
  invalid_name: 'BAD_REQUEST',
  invalid_routing_key: 'BAD_REQUEST',
  invalid_receipt: 'BAD_REQUEST',
  reserved_name: 'BAD_REQUEST',
  exchange_not_found: 'NOT_FOUND',
  queue_not_found: 'NOT_FOUND',
  message_not_found: 'NOT_FOUND',
  replay_target_not_found: 'NOT_FOUND',
  unroutable: 'NOT_FOUND',
  exchange_type_mismatch: 'CONFLICT',
  queue_settings_mismatch: 'CONFLICT',
  queue_in_use: 'CONFLICT',
  exchange_in_use: 'CONFLICT',
  reply_timeout: 'TIMEOUT',
  memory_limit: 'TOO_MANY_REQUESTS',
  replication_unavailable: 'PRECONDITION_FAILED',
  duplicate_request: 'CONFLICT',
  shutting_down: 'SERVICE_UNAVAILABLE',
  database_timeout: 'SERVICE_UNAVAILABLE',
};

/**
 * Maps what a procedure threw to a TRPCError. A BrokerError's message is written for clients
 * and passes through with its stable code; anything else becomes a bare internal error, so an
 * unknown error's message never reaches the browser (the server log has it).
 */
export function toTrpcError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (err instanceof BrokerError) {
    return new TRPCError({ code: CODES[err.code] ?? 'BAD_REQUEST', message: err.message, cause: err });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error; the server log has the details', cause: err });
}

/** The stable broker code carried to the client in the error shape, or null. */
export function brokerCode(err: unknown): ErrorCode | null {
  const cause = err instanceof TRPCError ? err.cause : err;
  return cause instanceof BrokerError ? cause.code : null;
}
