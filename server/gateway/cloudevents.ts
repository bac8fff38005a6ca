import type { IncomingHttpHeaders } from 'node:http';
import { CloudEvent, ValidationError } from 'cloudevents';
import type { PublishInput } from '../broker/types';
import { pathKey, valueTexts } from '../json-source';
import { decodeBody } from './bodies';
import { GatewayError } from './errors';
import { headerValue } from './header-text';
import { isJsonType, jsonText } from './http';
import { boolHeader, cloudEventKey, MAX_APP_HEADERS, NO_BODY, routingKeyOf, traceContext } from './publish-headers';

/**
 * CloudEvents on the publish endpoints, structured mode and batches (binary mode, `ce-*`
 * headers, is read with the other headers in publish-headers.ts): each event is stored as the
 * message a binary-mode publish of it would store.
 */

const CE_MEDIA = /^\s*application\/cloudevents(-batch)?\+json\s*(?:;|$)/i;

/** Whether a Content-Type is a structured CloudEvent, a CloudEvents batch, or neither. */
export function cloudEventsMode(contentType: string | undefined): 'structured' | 'batch' | undefined {
  // Plain publishes leave at the first check: 'application/' is followed by 'c' only here.
  if (contentType === undefined || contentType.length < 28 || (contentType.charCodeAt(12) | 32) !== 99) return undefined;
  const m = CE_MEDIA.exec(contentType);
  return m ? (m[1] ? 'batch' : 'structured') : undefined;
}

/** The attributes every event has (CloudEvents 1.0), and the members that are its data, not attributes. */
const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;
const DATA_MEMBERS = new Set(['data', 'data_base64', 'datacontenttype']);

/** CloudEvents attribute names (1.0, "Attribute Naming Convention"): lowercase letters and digits. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/**
 * Where an event is: `index` in a batch (its errors start `events[1]: ` and name their path,
 * `events.1.specversion`, in details.field, as a JSON batch's messages do), none for a structured
 * event (the path is the attribute's name).
 */
export interface EventPlace {
  index?: number;
}

const invalidEvent = (at: EventPlace, why: string, attribute?: string) => {
  const prefix = at.index === undefined ? '' : `events[${at.index}]: `;
  const path = [...(at.index === undefined ? [] : ['events', at.index]), ...(attribute === undefined ? [] : [attribute])].join('.');
  return new GatewayError('validation_failed', `${prefix}Not a valid CloudEvent: ${why}`, {
    ...(attribute === undefined ? {} : { attribute }),
    ...(path ? { field: path } : {}),
  });
};

/** The attribute a `cloudevents` ValidationError is about: its first schema error's path (`/time`), or the name it calls invalid. */
function attributeOf(err: ValidationError): string | undefined {
  const first = (err.errors as { instancePath?: string }[] | undefined)?.[0]?.instancePath;
  if (first) return first.replace(/^\//, '').split('/')[0];
  return /invalid attribute name: "([^"]*)"/.exec(err.message)?.[1];
}

/** One event of a structured CloudEvent or a batch, as a message: what a binary-mode publish of it stores. */
export interface EventMessage {
  type: string;
  key: string;
  headers: Record<string, string>;
  body: Uint8Array;
  contentType: string;
}

/**
 * A parsed CloudEvents JSON object (JSON event format) as the message a binary-mode publish of
 * the same event stores: `data` (its text as written, `dataText`) or `data_base64` (its bytes)
 * as the body, `datacontenttype` as the content type, every other attribute as a `ce-*` header.
 * The required attributes are checked here (the `cloudevents` package fills in a missing id and
 * specversion rather than refusing them); the package then checks the rest (formats of source,
 * time, dataschema; attribute names).
 */
export function eventMessage(event: unknown, dataText: string | undefined, at: EventPlace = {}): EventMessage {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw invalidEvent(at, 'a structured CloudEvent (application/cloudevents+json) is one JSON object');
  }
  const e = event as Record<string, unknown>;
  for (const name of REQUIRED) {
    const v = e[name];
    if (v === undefined || v === null) throw invalidEvent(at, `the required attribute '${name}' is missing`, name);
    if (typeof v !== 'string' || v.length === 0) throw invalidEvent(at, `the attribute '${name}' must be a non-empty string`, name);
  }
  if (e.specversion !== '1.0') {
    throw invalidEvent(at, `specversion '${String(e.specversion)}' is not supported: use '1.0'`, 'specversion');
  }
  const hasData = e.data !== undefined && e.data !== null;
  const hasBase64 = e.data_base64 !== undefined && e.data_base64 !== null;
  if (hasData && hasBase64) throw invalidEvent(at, "an event has 'data' or 'data_base64', not both", 'data_base64');
  const headers: Record<string, string> = {};
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(e)) {
    if (value === null || value === undefined || name === 'data' || name === 'data_base64') continue;
    if (!ATTRIBUTE_NAME.test(name)) {
      throw invalidEvent(at, `the attribute name '${name}' is not valid: attribute names are lowercase letters a–z and digits 0–9`, name);
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalidEvent(at, `the attribute '${name}' must be a string, number or boolean`, name);
    }
    attributes[name] = value;
    if (!DATA_MEMBERS.has(name)) headers[`ce-${name}`] = String(value);
  }
  if (Object.keys(headers).length > MAX_APP_HEADERS) {
    throw invalidEvent(at, `at most ${MAX_APP_HEADERS} attributes travel as ce-* headers`);
  }
  try {
    new CloudEvent(attributes, false).validate();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw invalidEvent(at, (err as Error).message.trim());
    const attribute = attributeOf(err);
    // The package's schema errors (ajv) say what the attribute must be: `must match format "date-time"`.
    const rule = (err.errors as { instancePath?: string; message?: string }[] | undefined)?.[0];
    const why = rule?.instancePath && rule.message ? `the attribute '${attribute}' ${rule.message}` : `${err.message}${err.errors?.length ? `: ${JSON.stringify(err.errors)}` : ''}`;
    throw invalidEvent(at, why.trim(), attribute);
  }
  const dataType = attributes.datacontenttype as string | undefined;
  let body: Uint8Array = NO_BODY;
  let contentType = dataType ?? 'application/octet-stream';
  if (hasBase64) {
    if (typeof e.data_base64 !== 'string') throw invalidEvent(at, "'data_base64' must be a base64 string", 'data_base64');
    try {
      body = decodeBody(e.data_base64, 'base64').bytes;
    } catch {
      throw invalidEvent(at, "'data_base64' is not valid base64", 'data_base64');
    }
  } else if (hasData) {
    if (dataType === undefined || isJsonType(dataType)) {
      body = decodeBody(e.data, 'json', dataText).bytes;
      contentType = dataType ?? 'application/json';
    } else {
      // Data of a type that is not JSON travels as a JSON string (JSON event format, 3.1), stored as
      // its UTF-8 (decodeBody refuses a lone surrogate, which has none, rather than store U+FFFD).
      body = typeof e.data === 'string' ? textData(e.data, at) : decodeBody(e.data, 'json', dataText).bytes;
    }
  }
  return { type: e.type as string, key: cloudEventKey(e.source as string, e.id as string), headers, body, contentType };
}

function parseEventJson(body: Uint8Array, what: string): { value: unknown; text: string } {
  const text = jsonText(body, `the body (${what})`);
  try {
    return { value: JSON.parse(text), text };
  } catch (e) {
    throw new GatewayError('invalid_json', `The body is not valid JSON (${what}): ${(e as Error).message}`);
  }
}

/**
 * Structured mode on the publish endpoint: `input` (from publishInputFromHeaders, with the
 * request body as its body) becomes the event's message, as binary mode would have stored it:
 * routing key = `type` unless Hatoba-Routing-Key or `?key=` gives one; idempotency key from
 * `source` and `id` unless Idempotency-Key gives one; the event's attributes over any `ce-*`
 * request headers, alongside the Hatoba-Header-* ones.
 */
export function applyStructuredCloudEvent(input: PublishInput, h: IncomingHttpHeaders, query: URLSearchParams): void {
  const { value, text } = parseEventJson(input.body, 'a structured CloudEvent, application/cloudevents+json');
  const m = eventMessage(value, value !== null && typeof value === 'object' ? valueTexts(text, ['data']).get(pathKey(['data'])) : undefined);
  const headers = input.headers;
  let count = Object.keys(headers).length;
  for (const [name, v] of Object.entries(m.headers)) {
    if (!Object.hasOwn(headers, name)) count++;
    headers[name] = v;
  }
  if (count > MAX_APP_HEADERS) {
    throw new GatewayError('validation_failed', `At most ${MAX_APP_HEADERS} application headers per message (the event's attributes count as ce-* headers)`, {});
  }
  input.routingKey = routingKeyOf(h, query) ?? m.type;
  input.idempotencyKey = headerValue(h, 'idempotency-key') ?? m.key;
  input.body = m.body;
  input.contentType = m.contentType;
}

/**
 * A CloudEvents batch (application/cloudevents-batch+json: a JSON array of structured events)
 * as one message per event, each as applyStructuredCloudEvent makes it; a routing key given
 * in Hatoba-Routing-Key or `?key=`, Hatoba-Mandatory, Hatoba-Persistent and the trace context
 * apply to every event (the route refuses the headers a batch does not read).
 */
export function cloudEventsBatch(body: Uint8Array, h: IncomingHttpHeaders, query: URLSearchParams, exchange: string, max: number): PublishInput[] {
  const { value, text } = parseEventJson(body, 'a CloudEvents batch, application/cloudevents-batch+json');
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    throw new GatewayError('validation_failed', `A CloudEvents batch (application/cloudevents-batch+json) is a JSON array of 1–${max} events`, {});
  }
  const routingKey = routingKeyOf(h, query);
  // Hatoba-Mandatory and Hatoba-Persistent apply to every event, as on a JSON batch.
  const mandatory = boolHeader('Hatoba-Mandatory', headerValue(h, 'hatoba-mandatory'));
  const persistent = boolHeader('Hatoba-Persistent', headerValue(h, 'hatoba-persistent'));
  const texts = valueTexts(text, ['*', 'data']);
  const trace = traceContext(h);
  return value.map((event, i): PublishInput => {
    const m = eventMessage(event, texts.get(pathKey([i, 'data'])), { index: i });
    return {
      exchange,
      routingKey: routingKey ?? m.type,
      body: m.body,
      contentType: m.contentType,
      headers: m.headers,
      idempotencyKey: m.key,
      ...trace,
      mandatory,
      persistent,
    };
  });
}

/** A CloudEvent's text `data` as its UTF-8; a refusal names the event's `data`. */
function textData(data: string, at: EventPlace): Uint8Array {
  try {
    return decodeBody(data, 'text').bytes;
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    throw invalidEvent(at, `'data' ${e.message}`, 'data');
  }
}
