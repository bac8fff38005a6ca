import type { IncomingHttpHeaders } from 'node:http';
import type { PublishInput } from '../broker/types';
import { GatewayError } from './errors';
import { headerText, headerValue } from './header-text';

const APP_PREFIX = 'hatoba-header-';
const MAX_APP_HEADERS = 64;

const NO_BODY = new Uint8Array(0);

function boolHeader(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new GatewayError('validation_failed', `Header ${name} must be 'true' or 'false'`, { header: name, value });
}

/** `?key=` (the routing key when no header gives one); given twice it is refused, not the first one taken. */
function queryKey(query: URLSearchParams): string | undefined {
  const keys = query.getAll('key');
  if (keys.length > 1) {
    throw new GatewayError('validation_failed', `Query parameter key is given ${keys.length} times: give it once`, {
      field: 'key',
      issues: [{ path: 'key', message: 'given more than once' }],
    });
  }
  return keys[0];
}

/**
 * Turns a publish request's metadata headers (API.md, Publish) into broker input, each value read
 * as UTF-8 where its bytes are (header-text.ts), so a routing key or correlation ID sent in a
 * header matches the same text sent in a JSON body. CloudEvents
 * binary mode: `ce-type` is the default routing key, `ce-id` the default idempotency key, and
 * every `ce-*` header is kept with the message so a consumer can rebuild the event.
 * The body is left empty for the caller to set once it has read it (headers are checked first);
 * callers set fields on the result rather than spread it, which cost microseconds a publish.
 */
export function publishInputFromHeaders(h: IncomingHttpHeaders, query: URLSearchParams, exchange: string): PublishInput {
  const headers: Record<string, string> = {};
  let count = 0;
  for (const [name, raw] of Object.entries(h)) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    if (name.startsWith(APP_PREFIX) && name.length > APP_PREFIX.length) headers[name.slice(APP_PREFIX.length)] = headerText(value);
    else if (name.startsWith('ce-')) headers[name] = headerText(value);
    else continue;
    if (++count > MAX_APP_HEADERS) {
      throw new GatewayError('validation_failed', `At most ${MAX_APP_HEADERS} application headers per message`, {});
    }
  }
  const delay = headerValue(h, 'hatoba-delay-ms');
  let delayMs: number | undefined;
  if (delay !== undefined) {
    delayMs = Number(delay);
    if (!/^\d+$/.test(delay.trim()) || !Number.isSafeInteger(delayMs)) {
      throw new GatewayError('validation_failed', 'Header Hatoba-Delay-Ms must be a whole number of milliseconds', { value: delay });
    }
  }
  const correlationId = headerValue(h, 'hatoba-correlation-id');
  if (correlationId !== undefined && (correlationId.length === 0 || correlationId.length > 255)) {
    throw new GatewayError('validation_failed', 'Header Hatoba-Correlation-Id must be 1–255 characters', {});
  }
  const idempotencyKey = headerValue(h, 'idempotency-key') ?? headerValue(h, 'ce-id');
  if (idempotencyKey !== undefined && idempotencyKey.length > 255) {
    throw new GatewayError('validation_failed', 'Idempotency-Key must be at most 255 characters', {});
  }
  return {
    exchange,
    body: NO_BODY,
    routingKey: headerValue(h, 'hatoba-routing-key') ?? queryKey(query) ?? headerValue(h, 'ce-type') ?? '',
    contentType: headerValue(h, 'content-type') ?? 'application/octet-stream',
    headers,
    correlationId,
    replyTo: headerValue(h, 'hatoba-reply-to'),
    idempotencyKey,
    delayMs,
    persistent: boolHeader('Hatoba-Persistent', headerValue(h, 'hatoba-persistent')),
    mandatory: boolHeader('Hatoba-Mandatory', headerValue(h, 'hatoba-mandatory')),
    traceparent: headerValue(h, 'traceparent'),
    tracestate: headerValue(h, 'tracestate'),
  };
}
