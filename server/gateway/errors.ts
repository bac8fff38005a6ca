import { isDatabaseUnavailable } from '../../db/errors';
import { BrokerError, type ErrorCode } from '../broker/errors';
import { readablePath } from '../broker/validation-issues';

/** Codes only the HTTP transport produces. */
export type GatewayCode =
  | 'invalid_json'
  | 'bad_request'
  | 'headers_too_large'
  | 'request_timeout'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'shutting_down'
  | 'internal_error'
  // cluster and database availability (server/cluster)
  | 'quorum_lost'
  | 'database_unavailable'
  // security and webhooks (server/auth, server/webhooks)
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'signature_missing'
  | 'signature_invalid'
  | 'timestamp_out_of_tolerance'
  | 'source_not_found'
  | 'push_not_found'
  | 'push_target_forbidden'
  | 'key_not_found'
  | 'key_name_taken';

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayCode | ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * 400 validation_failed for one field of a JSON body, said as every such refusal says it: the
 * message starts with where (`verify.secret[1]: …`), `details.field` and `issues` name the path.
 */
export function fieldInvalid(path: string, message: string): GatewayError {
  return new GatewayError('validation_failed', `${readablePath(path)}: ${message}`, { field: path, issues: [{ path, message }] });
}

/** Every code's status, in one table. */
export const STATUS: Record<GatewayCode | ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  bad_request: 400,
  request_timeout: 408,
  headers_too_large: 431,
  invalid_name: 400,
  invalid_routing_key: 400,
  invalid_receipt: 400,
  reserved_name: 400,
  exchange_not_found: 404,
  queue_not_found: 404,
  message_not_found: 404,
  replay_target_not_found: 404,
  route_not_found: 404,
  unroutable: 404,
  method_not_allowed: 405,
  exchange_type_mismatch: 409,
  queue_settings_mismatch: 409,
  queue_in_use: 409,
  exchange_in_use: 409,
  replication_unavailable: 409,
  duplicate_request: 409,
  key_name_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
  unauthenticated: 401,
  signature_missing: 401,
  signature_invalid: 401,
  timestamp_out_of_tolerance: 401,
  forbidden: 403,
  source_not_found: 404,
  push_not_found: 404,
  key_not_found: 404,
  push_target_forbidden: 400,
  rate_limited: 429,
  shutting_down: 503,
  quorum_lost: 503,
  database_unavailable: 503,
  database_timeout: 503,
  reply_timeout: 504,
  memory_limit: 507,
};

export interface ErrorEnvelope {
  status: number;
  body: { error: { code: string; message: string; details?: Record<string, unknown> } };
}

/** Maps any thrown value to the API's error envelope; an unknown error's message never reaches the client. */
/**
 * The headers an error answer carries beside its body, wherever it is answered (/v1, /metrics,
 * the ops paths): `Allow` with a 405, `Retry-After` with a 429 (its wait) and a 503 (a node
 * stopping, quorum or the database away: passing), and with a 401 the scheme that would be
 * accepted (RFC 9110 §15.5.2; RFC 6750 for a bearer key).
 */
export function errorHeaders({ status, body }: ErrorEnvelope): Record<string, string> {
  const headers: Record<string, string> = {};
  if (status === 405) headers.allow = String((body.error.details?.allowed as string[] | undefined)?.join(', ') ?? '');
  if (status === 429) headers['retry-after'] = String(body.error.details?.retryAfterS ?? 1);
  if (status === 503) headers['retry-after'] = '1';
  if (body.error.code === 'unauthenticated') headers['www-authenticate'] = 'Bearer realm="hatoba"';
  return headers;
}

export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof BrokerError || err instanceof GatewayError) {
    const body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
    return { status: STATUS[err.code] ?? 400, body };
  }
  if (isDatabaseUnavailable(err)) {
    // Nothing was committed for this request (or, for a commit cut off mid-answer, it may
    // have been): a retry, with the same Idempotency-Key, is safe.
    return { status: 503, body: { error: { code: 'database_unavailable', message: 'The database is unavailable; retry shortly' } } };
  }
  return { status: 500, body: { error: { code: 'internal_error', message: 'Internal error; the server log has the details' } } };
}

export const errorStatuses = STATUS;

/**
 * Answers that are a normal outcome rather than a fault of this server: any 4xx, a request-reply
 * that got no reply in time, a node that is stopping, a cluster below quorum. A flood of them
 * says something about clients, responders or the cluster, not about a bug here.
 */
const EXPECTED_5XX = new Set<string>(['reply_timeout', 'shutting_down', 'quorum_lost']);

export interface OutcomeLogger {
  error(obj: object, msg?: string): void;
  /** pino's; a logger without it does not log expected outcomes. */
  debug?(obj: object, msg?: string): void;
}

/**
 * Logs an error answer once: expected outcomes at debug, with their code and details but no
 * stack; everything else (5xx: internal errors, the database unavailable, …) at error with the error.
 */
export function logErrorAnswer(logger: OutcomeLogger, err: unknown, answer: ErrorEnvelope, where: Record<string, unknown>): void {
  const { status, body } = answer;
  const { code, message, details } = body.error;
  if (status < 500 || EXPECTED_5XX.has(code)) {
    logger.debug?.({ ...where, status, code, message, ...(details ? { details } : {}) }, 'request answered with an error');
  } else {
    logger.error({ ...where, err, status, code }, 'request failed');
  }
}
