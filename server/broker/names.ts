import { BrokerError } from './errors';
import { isDotSegment, isReservedName, KEY_PATTERN as KEY, MAX_NAME_LENGTH, NAME_PATTERN as NAME } from './name-rules';

export { isDotSegment, MAX_NAME_LENGTH };

/** The default exchange: routes to the queue named by the routing key. `amq.*` is reserved. */
export const DEFAULT_EXCHANGE = 'amq.default';

export function checkName(kind: 'exchange' | 'queue' | 'source', name: string): void {
  if (isDotSegment(name)) {
    throw new BrokerError(
      'invalid_name',
      `Invalid ${kind} name '${name}': '.' and '..' cannot be names: URLs resolve them as path segments (/v1/queues/.. is /v1), so no route could reach it. Use another name (dots beside other characters are fine)`,
      { [kind]: name },
    );
  }
  if (!NAME.test(name)) {
    throw new BrokerError(
      'invalid_name',
      `Invalid ${kind} name '${name.slice(0, 220)}': use 1–200 characters of A-Z a-z 0-9 _ . : -`,
      { [kind]: name.slice(0, 220) },
    );
  }
}

/** Names a user may declare: valid and not in the reserved `amq.` space. */
export function checkDeclarableName(kind: 'exchange' | 'queue', name: string): void {
  checkName(kind, name);
  if (isReservedName(name)) {
    throw new BrokerError('reserved_name', `Names starting with 'amq.' are reserved ('${name}')`, { [kind]: name });
  }
}

/** Routing keys: up to 255 characters, dot-separated words; `*` and `#` only in binding patterns. */
export function checkRoutingKey(key: string, { pattern = false } = {}): void {
  const valid = KEY.test(key) && (pattern || !/[*#]/.test(key));
  if (!valid) {
    throw new BrokerError(
      'invalid_routing_key',
      pattern
        ? `Invalid binding key '${key.slice(0, 300)}': up to 255 characters, no white space`
        : `Invalid routing key '${key.slice(0, 300)}': up to 255 characters, no white space, no * or #`,
      { routingKey: key.slice(0, 300) },
    );
  }
}

/** What the errors that refuse a lone surrogate call it. */
export const LONE_SURROGATE_TEXT = 'a lone UTF-16 surrogate (unpaired \\ud800–\\udfff)';
/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one: no UTF-8 form. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// U+0000, or a lone surrogate.
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`);

/** What makes a string unstorable in PostgreSQL text or jsonb, or null when it is storable. */
export function unstorableText(value: string): string | null {
  const m = UNSTORABLE.exec(value);
  if (!m) return null;
  return m[0] === '\u0000' ? 'the NUL character' : LONE_SURROGATE_TEXT;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000 nor a lone UTF-16 surrogate: such a value would
 * fail the whole group-commit batch it joined (every publisher in it), so it is refused up front.
 */
export function checkStoredText(fields: Record<string, string | null | undefined>): void {
  for (const [field, value] of Object.entries(fields)) {
    const bad = value == null ? null : unstorableText(value);
    if (bad) throw new BrokerError('validation_failed', `${field} must not contain ${bad}`, { field });
  }
}

// An HTTP header name (RFC 9110 token): application headers travel as `Hatoba-Header-<name>` on
// push deliveries and request-reply answers, so a name no header can carry is refused up front.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,200}$/;

export function checkHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    // Copied into a plain object, `__proto__` would set its prototype rather than a header: reserved.
    if (name === '__proto__') {
      throw new BrokerError('validation_failed', "Header name '__proto__' is reserved: use another name", { field: 'headers', header: name });
    }
    if (!HEADER_NAME.test(name)) {
      throw new BrokerError(
        'validation_failed',
        `Header name '${name.slice(0, 200)}' cannot travel as an HTTP header: use 1–200 of A-Z a-z 0-9 and !#$%&'*+-.^_\`|~ (no spaces)`,
        { field: 'headers', header: name.slice(0, 200) },
      );
    }
    const bad = unstorableText(value);
    if (bad) {
      throw new BrokerError('validation_failed', `Header '${name}' must not contain ${bad}`, { field: 'headers', header: name });
    }
  }
}
