import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { PublishInput } from '../broker/types';
import { MAX_DELAY_MS } from '../broker/publish';
import { GatewayError } from './errors';
import { headerText, headerValue } from './header-text';

const APP_PREFIX = 'hatoba-header-';
export const MAX_APP_HEADERS = 64;
/** Application headers in a JSON body (batch, replay edit): at most this many bytes of names and values, what fits Node's 16 KB of request headers. */
export const MAX_APP_HEADER_BYTES = 16 * 1024;
/** The longest content type a message may carry, on every publish path (schemas.ts has the same for JSON bodies). */
export const MAX_CONTENT_TYPE = 255;

export const NO_BODY = new Uint8Array(0);

/**
 * The one application header name refused: assigning `__proto__` on an object sets its
 * prototype instead of adding a header (every other name, `constructor` included, is an own
 * property like any other).
 */
const RESERVED_APP_HEADER = '__proto__';

/**
 * The application header Hatoba sets on messages from webhook sources (server/webhooks/inbound.ts),
 * naming the source whose signature they passed: a publisher cannot set it, or any key with
 * `publish:` on the exchange could pass a message off as a verified webhook.
 */
const SOURCE_APP_HEADER = 'hatoba-source';

const sourceHeader = (name: string, where?: { field: string; text: string }) =>
  new GatewayError(
    'validation_failed',
    `${where ? `${where.text}: header '${name}'` : `Header ${name}`} is refused: '${SOURCE_APP_HEADER}' is set by Hatoba on messages from webhook sources, naming the source that verified them`,
    where ? { field: where.field, header: SOURCE_APP_HEADER } : { header: name, name: SOURCE_APP_HEADER },
  );

const reservedHeader = (header: string) =>
  new GatewayError('validation_failed', `Header ${header} is refused: the application header name '${RESERVED_APP_HEADER}' is reserved`, {
    header,
    name: RESERVED_APP_HEADER,
  });

/**
 * Publish stores the body as sent, so a body in a content coding (gzip, br, …) would be stored
 * still encoded under a Content-Type that does not describe it: refused (415) before anything
 * is read or stored. `identity` (and an empty value) mean no coding.
 */
export function checkContentEncoding(h: IncomingHttpHeaders): void {
  const raw = h['content-encoding'];
  if (raw === undefined) return;
  const coding = raw.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return;
  throw new GatewayError(
    'unsupported_media_type',
    `Content-Encoding '${raw}' is not supported on publish: send the body uncompressed (no Content-Encoding, or identity); it is stored as sent`,
    { contentEncoding: raw, supported: ['identity'] },
  );
}

/**
 * The idempotency key of a CloudEvent: an event is identified by its source and id together
 * (the same id from two sources is two events). The source's length keeps ('/a:b', 'c') apart
 * from ('/a', 'b:c'); a key past the 255-character limit is replaced by its SHA-256.
 */
export function cloudEventKey(source: string, id: string): string {
  const key = `ce:${source.length}:${source}:${id}`;
  return key.length <= 255 ? key : `ce-sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export function boolHeader(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new GatewayError('validation_failed', `Header ${name} must be 'true' or 'false'`, { header: name, value });
}

/** `?key=` (the routing key when no header gives one); given twice it is refused, not the first one taken. */
export function queryKey(query: URLSearchParams): string | undefined {
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
 * The routing key a request gives in Hatoba-Routing-Key or `?key=`. Both at once with different
 * values is refused rather than one of them silently ignored.
 */
export function routingKeyOf(h: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const header = headerValue(h, 'hatoba-routing-key');
  const key = queryKey(query);
  if (header !== undefined && key !== undefined && header !== key) {
    throw new GatewayError(
      'validation_failed',
      `Header Hatoba-Routing-Key ('${header.slice(0, 300)}') and query parameter key ('${key.slice(0, 300)}') give two routing keys: give one`,
      { header: 'Hatoba-Routing-Key', field: 'key' },
    );
  }
  return header ?? key;
}

/**
 * Request headers an endpoint does not read are refused (400, naming the header and where the
 * endpoint takes that instead) rather than accepted and ignored. `refused` maps a lowercase
 * header name, or a prefix ending in `-` or `*` (`hatoba-header-*`, `ce-*`), to why it is not read.
 * The header is named as the client would write it (`Hatoba-Header-tenant`).
 */
export function refuseUnreadHeaders(h: IncomingHttpHeaders, refused: Record<string, string>, where: string): void {
  for (const name of Object.keys(h)) {
    let why = refused[name];
    if (why === undefined) {
      for (const [prefix, text] of Object.entries(refused)) {
        if (prefix.endsWith('*') && name.startsWith(prefix.slice(0, -1)) && name.length > prefix.length - 1) {
          why = text;
          break;
        }
      }
    }
    if (why === undefined) continue;
    const header = displayName(name);
    throw new GatewayError('validation_failed', `Header ${header} is not read on ${where}: ${why}`, { header });
  }
}

/**
 * Endpoints that always publish as mandatory (a publish straight to a queue, a request): a
 * Hatoba-Mandatory header must still be 'true' or 'false', and `false`, which they cannot honour,
 * is refused rather than ignored.
 */
export function alwaysMandatory(h: IncomingHttpHeaders, why: string): void {
  const value = headerValue(h, 'hatoba-mandatory');
  if (boolHeader('Hatoba-Mandatory', value) === false) {
    throw new GatewayError('validation_failed', `Header Hatoba-Mandatory: false is not read here: ${why}`, { header: 'Hatoba-Mandatory', value });
  }
  h['hatoba-mandatory'] = 'true';
}

const KNOWN_NAMES: Record<string, string> = {
  'hatoba-routing-key': 'Hatoba-Routing-Key',
  'hatoba-correlation-id': 'Hatoba-Correlation-Id',
  'hatoba-reply-to': 'Hatoba-Reply-To',
  'hatoba-delay-ms': 'Hatoba-Delay-Ms',
  'hatoba-mandatory': 'Hatoba-Mandatory',
  'hatoba-persistent': 'Hatoba-Persistent',
  'idempotency-key': 'Idempotency-Key',
};

/** A request header's name as the API documents it; application headers keep their own name after the prefix, `ce-*` stays lowercase. */
function displayName(name: string): string {
  if (KNOWN_NAMES[name]) return KNOWN_NAMES[name];
  if (name.startsWith(APP_PREFIX)) return `Hatoba-Header-${name.slice(APP_PREFIX.length)}`;
  return name;
}

/**
 * A publish with `ce-*` headers is a CloudEvent in binary mode: it must carry what a structured
 * event must (CloudEvents 1.0: specversion 1.0, id, source, type), or its source and id, which
 * make its idempotency key, would be guessed. Refused as structured mode refuses it (400).
 */
function checkBinaryEvent(headers: Record<string, string>): void {
  for (const name of ['ce-specversion', 'ce-id', 'ce-source', 'ce-type']) {
    if (!headers[name]) {
      throw new GatewayError('validation_failed', `Not a valid CloudEvent (binary mode, ce-* headers): the required header '${name}' is missing or empty`, { header: name });
    }
  }
  if (headers['ce-specversion'] !== '1.0') {
    throw new GatewayError('validation_failed', `Not a valid CloudEvent (binary mode): ce-specversion '${headers['ce-specversion']}' is not supported: use '1.0'`, {
      header: 'ce-specversion',
    });
  }
}

/**
 * Turns a publish request's metadata headers (API.md, Publish) into broker input, each value read
 * as UTF-8 where its bytes are (header-text.ts), so a routing key or correlation ID sent in a
 * header matches the same text sent in a JSON body. CloudEvents
 * binary mode: `ce-type` is the default routing key, `ce-source` with `ce-id` the default
 * idempotency key (cloudEventKey), and every `ce-*` header is kept with the message so a
 * consumer can rebuild the event. A Content-Encoding other than identity is refused.
 * The body is left empty for the caller to set once it has read it (headers are checked first);
 * callers set fields on the result rather than spread it, which cost microseconds a publish.
 */
export function publishInputFromHeaders(h: IncomingHttpHeaders, query: URLSearchParams, exchange: string): PublishInput {
  if (h['content-encoding'] !== undefined) checkContentEncoding(h);
  const headers: Record<string, string> = {};
  let count = 0;
  let binaryEvent = false;
  for (const [name, raw] of Object.entries(h)) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    if (name.startsWith(APP_PREFIX)) {
      const key = name.slice(APP_PREFIX.length);
      // `Hatoba-Header-: v` names no header: refused rather than dropped without a word.
      if (key === '') {
        throw new GatewayError('validation_failed', 'Header Hatoba-Header- names no application header: write its name after the prefix (Hatoba-Header-Tenant: acme)', {
          header: 'Hatoba-Header-',
        });
      }
      if (key === RESERVED_APP_HEADER) throw reservedHeader(`Hatoba-Header-${RESERVED_APP_HEADER}`);
      if (key === SOURCE_APP_HEADER) throw sourceHeader(`Hatoba-Header-${name.slice(APP_PREFIX.length)}`);
      headers[key] = headerText(value);
    } else if (name.startsWith('ce-')) {
      headers[name] = headerText(value);
      binaryEvent = true;
    } else continue;
    if (++count > MAX_APP_HEADERS) {
      throw new GatewayError('validation_failed', `At most ${MAX_APP_HEADERS} application headers per message`, {});
    }
  }
  if (binaryEvent) checkBinaryEvent(headers);
  const delay = headerValue(h, 'hatoba-delay-ms');
  let delayMs: number | undefined;
  if (delay !== undefined) {
    delayMs = Number(delay);
    if (!/^\d+$/.test(delay.trim()) || !Number.isSafeInteger(delayMs)) {
      const why = /^\d+$/.test(delay.trim()) ? `is too large (at most ${MAX_DELAY_MS}, 7 days)` : 'must be a whole number of milliseconds';
      throw new GatewayError('validation_failed', `Header Hatoba-Delay-Ms ${why}`, { header: 'Hatoba-Delay-Ms', value: delay });
    }
  }
  const correlationId = headerValue(h, 'hatoba-correlation-id');
  if (correlationId !== undefined && (correlationId.length === 0 || correlationId.length > 255)) {
    throw new GatewayError('validation_failed', 'Header Hatoba-Correlation-Id must be 1–255 characters', { header: 'Hatoba-Correlation-Id', length: correlationId.length });
  }
  let idempotencyKey = headerValue(h, 'idempotency-key');
  if (idempotencyKey === undefined) {
    const ceId = headerValue(h, 'ce-id');
    if (ceId !== undefined) idempotencyKey = cloudEventKey(headerValue(h, 'ce-source') ?? '', ceId);
  } else if (idempotencyKey.length === 0) {
    // An empty key would publish every retry again, the caller believing it deduplicated: refused, as in a batch (1–255).
    throw new GatewayError('validation_failed', 'Idempotency-Key is empty: give a key of 1–255 characters, or leave the header out', { header: 'Idempotency-Key', length: 0 });
  } else if (idempotencyKey.length > 255) {
    throw new GatewayError('validation_failed', 'Idempotency-Key must be at most 255 characters', { header: 'Idempotency-Key', length: idempotencyKey.length });
  }
  const contentType = headerValue(h, 'content-type');
  if (contentType !== undefined && contentType.length > MAX_CONTENT_TYPE) {
    // the limit a batch message's or a replay edit's contentType has
    throw new GatewayError('validation_failed', `Header Content-Type must be at most ${MAX_CONTENT_TYPE} characters`, {
      header: 'Content-Type',
      length: contentType.length,
    });
  }
  return {
    exchange,
    body: NO_BODY,
    routingKey: routingKeyOf(h, query) ?? headerValue(h, 'ce-type') ?? '',
    // An empty Content-Type says no more than none: stored as the default, not as ''.
    contentType: contentType || 'application/octet-stream',
    headers,
    correlationId,
    replyTo: headerValue(h, 'hatoba-reply-to'),
    idempotencyKey,
    delayMs,
    persistent: boolHeader('Hatoba-Persistent', headerValue(h, 'hatoba-persistent')),
    mandatory: boolHeader('Hatoba-Mandatory', headerValue(h, 'hatoba-mandatory')),
    ...traceContext(h),
  };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The W3C trace context of a request, as the Trace Context spec has a receiver take it: a
 * `traceparent` that does not parse (not lowercase hex, an all-zero trace-id or parent-id, version
 * ff, version 00 with more fields) is not stored or passed on to consumers, push endpoints and
 * replies, and `tracestate` goes with it (it means nothing without a valid traceparent).
 * The publish is not refused for it: tracing must not break a producer.
 */
export function traceContext(h: IncomingHttpHeaders): { traceparent: string | undefined; tracestate: string | undefined } {
  const traceparent = headerValue(h, 'traceparent')?.trim();
  if (traceparent === undefined || !validTraceparent(traceparent)) return { traceparent: undefined, tracestate: undefined };
  return { traceparent, tracestate: headerValue(h, 'tracestate') };
}

function validTraceparent(value: string): boolean {
  const m = TRACEPARENT.exec(value);
  if (!m) return false;
  const [, version, traceId, parentId, , rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return false;
  return !/^0+$/.test(traceId!) && !/^0+$/.test(parentId!);
}

/**
 * Application headers given in a JSON body (a batch message's `headers`, a replay's
 * `edit.headers`) with their names lowercased, as every message's headers are stored. Two names
 * that differ only in case (`Tenant` and `tenant`) are one header: refused (400, naming the
 * field) rather than one of the values silently dropped.
 */
export function lowercaseHeaderNames(
  headers: Record<string, string>,
  field: string,
  where: string,
  { allowSource = false }: { allowSource?: boolean } = {},
): Record<string, string> {
  const entries = Object.entries(headers);
  // The limits a single publish's Hatoba-Header-* have (64, and Node's 16 KB of request headers), since
  // push and request-reply send these back out as HTTP headers: without them a batch stored headers no
  // receiver would take.
  if (entries.length > MAX_APP_HEADERS) {
    throw new GatewayError('validation_failed', `${where}: at most ${MAX_APP_HEADERS} application headers per message (${entries.length} given)`, {
      field,
      count: entries.length,
    });
  }
  let bytes = 0;
  for (const [name, value] of entries) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  if (bytes > MAX_APP_HEADER_BYTES) {
    throw new GatewayError(
      'validation_failed',
      `${where}: application headers may take at most ${MAX_APP_HEADER_BYTES} bytes of names and values together (${bytes} given), as on a single publish, where they travel as HTTP headers`,
      { field, bytes, limitBytes: MAX_APP_HEADER_BYTES },
    );
  }
  const out: [string, string][] = [];
  const given = new Map<string, string>();
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const earlier = given.get(lower);
    if (earlier !== undefined) {
      throw new GatewayError(
        'validation_failed',
        `${where}: header names '${earlier}' and '${name}' differ only in case, and header names are case-insensitive (stored lowercased as '${lower}'): give it once`,
        { field, header: lower },
      );
    }
    // A replay edit may keep it (it replaces the headers as a whole); a publish may not forge it.
    if (lower === SOURCE_APP_HEADER && !allowSource) throw sourceHeader(name, { field, text: where });
    given.set(lower, name);
    out.push([lower, value]);
  }
  // fromEntries, not assignment: a name is an own property whatever it is (the broker checks names).
  return Object.fromEntries(out);
}

/** Publish headers that hold one value: given twice, Node would join them ("k1, k2") into one that neither sender meant. */
const SINGLE_VALUED = ['idempotency-key', 'hatoba-correlation-id', 'hatoba-reply-to', 'hatoba-routing-key', 'hatoba-delay-ms', 'hatoba-mandatory', 'hatoba-persistent'];

/**
 * Whether a header holds one value: the named ones, every CloudEvents attribute (`ce-id`, `ce-type`,
 * … each one value, and `ce-id` with `ce-source` the idempotency key), and every application header
 * (a message's headers map a name to one value; `Hatoba-Header-X-Type` and `Hatoba-Header-x-type`
 * name one header, as a batch's names that differ only in case do).
 */
const singleValued = (name: string) => SINGLE_VALUED.includes(name) || name.startsWith('ce-') || name.startsWith(APP_PREFIX);

/**
 * 400 validation_failed naming the first single-valued publish header the request repeats
 * (`Idempotency-Key: a` and `Idempotency-Key: b`, `ce-id` twice, `Hatoba-Header-Tenant` and
 * `Hatoba-Header-tenant`), rather than publishing with "a, b" as its key, correlation ID or header
 * value. Cheap: rawHeaders is read once, and looked at again only when a name repeats.
 */
export function refuseRepeatedHeaders(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  // rawHeaders is [name, value, name, value, …]: look only when a name appears twice.
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (seen.has(name) && singleValued(name)) throw repeatedHeader(raw, name);
    seen.add(name);
  }
}

function repeatedHeader(raw: string[], name: string): GatewayError {
  const spellings: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) spellings.push(raw[i]!);
  const header = displayName(name);
  const distinct = [...new Set(spellings)];
  // Two spellings of one application header: say that names are case-insensitive, as a batch does.
  const cased =
    distinct.length > 1
      ? ` (as ${distinct.map((n) => `'${n}'`).join(' and ')}: header names are case-insensitive${name.startsWith(APP_PREFIX) ? `, and stored lowercased as '${name.slice(APP_PREFIX.length)}'` : ''})`
      : '';
  return new GatewayError('validation_failed', `Header ${header} is given ${spellings.length} times${cased}: give it once`, {
    header,
    count: spellings.length,
    ...(distinct.length > 1 ? { names: distinct } : {}),
  });
}
