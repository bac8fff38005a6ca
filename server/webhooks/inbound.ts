import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import type { PublishInput } from '../broker/types';
import { GatewayError } from '../gateway/errors';
import { traceContext } from '../gateway/publish-headers';
import { pathKey, valueTexts } from '../json-source';
import type { RoutingKeyRule, Source } from './sources';

/**
 * An inbound webhook, verified, as the messages to publish: one, or one per event of a
 * CloudEvents batch. Each carries `hatoba-source`, and an idempotency key made from the
 * webhook id (or the CloudEvent's source and id) so a sender's retries are published once.
 */
export const SOURCE_HEADER = 'hatoba-source';

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';
const CE_ATTRIBUTES = ['id', 'source', 'type', 'specversion', 'subject', 'time', 'datacontenttype', 'dataschema'] as const;

const one = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const mediaType = (h: IncomingHttpHeaders) => (one(h, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** Idempotency keys are at most 255 characters: a longer one is replaced by its hash. */
function dedupKey(source: string, id: string): string {
  const key = `hook:${source}:${id}`;
  return key.length <= 255 ? key : `hook:${createHash('sha256').update(key).digest('hex')}`;
}

/** `a.b.0.c` (a leading `$.` is allowed) in a parsed JSON value; only strings, numbers and booleans count. */
export function jsonPath(value: unknown, path: string): string | undefined {
  const parts = (path.startsWith('$.') ? path.slice(2) : path).split('.');
  let at: unknown = value;
  for (const part of parts) {
    // The JSON's own fields and array indexes only: `constructor.name` must not find "Object" in
    // any body, nor `items.length` a count.
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part) || (Array.isArray(at) && !/^\d+$/.test(part))) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean' ? String(at) : undefined;
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GatewayError('invalid_json', `The body is not valid JSON: ${(e as Error).message}`);
  }
}

function cloudEvents(headers: IncomingHttpHeaders, text: string): CloudEvent<unknown>[] {
  try {
    const parsed = HTTP.toEvent({ headers, body: text });
    const events = Array.isArray(parsed) ? parsed : [parsed];
    for (const e of events) (e as CloudEvent<unknown>).validate();
    return events as CloudEvent<unknown>[];
  } catch (e) {
    const why = e instanceof ValidationError ? `${e.message}${e.errors?.length ? `: ${JSON.stringify(e.errors)}` : ''}` : (e as Error).message;
    throw new GatewayError('validation_failed', `Not a valid CloudEvent (${why})`, {});
  }
}

/**
 * The event's attributes as `ce-*` headers. The library fills in a `time` the sender did not
 * give (the moment of parsing): left out, so the headers say what the producer said.
 */
const ceHeaders = (e: CloudEvent<unknown>, sentTime: boolean) => {
  const out: Record<string, string> = {};
  for (const a of CE_ATTRIBUTES) if (e[a] !== undefined && (a !== 'time' || sentTime)) out[`ce-${a}`] = String(e[a]);
  return out;
};
const hasTime = (element: unknown) => element !== null && typeof element === 'object' && 'time' in element;

function routingKey(rule: RoutingKeyRule | null, h: IncomingHttpHeaders, json: () => unknown, event?: CloudEvent<unknown>): string {
  switch (rule?.from) {
    case 'header':
      return one(h, rule.name.toLowerCase()) ?? '';
    case 'json':
      return jsonPath(json(), rule.path) ?? '';
    case 'cloudevents':
    case undefined:
      return event?.type ?? '';
  }
}

export function hookMessages(source: Source, headers: IncomingHttpHeaders, body: Uint8Array): PublishInput[] {
  const type = mediaType(headers);
  const webhookId = one(headers, 'webhook-id') ?? one(headers, 'idempotency-key');
  // An empty id would deduplicate nothing: every retry of the sender would publish again.
  if (webhookId === '') {
    const header = one(headers, 'webhook-id') !== undefined ? 'webhook-id' : 'Idempotency-Key';
    throw new GatewayError('validation_failed', `Header ${header} is empty: a webhook's id is what its retries are recognised by; send one, or leave the header out`, { header });
  }
  // Decoded once, and only if a reading below needs the text.
  let decoded: string | undefined;
  const text = () => (decoded ??= Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  const base = {
    exchange: source.exchange,
    ...traceContext(headers),
  };
  const common = { [SOURCE_HEADER]: source.name, ...(webhookId ? { 'webhook-id': webhookId } : {}) };

  if (type === BATCH) {
    const elements = parseJsonBody(text());
    if (!Array.isArray(elements)) {
      throw new GatewayError('validation_failed', 'A CloudEvents batch (application/cloudevents-batch+json) must be a JSON array of events', {});
    }
    const events = cloudEvents(headers, text());
    // Each event is stored as the sender wrote it (json-source.ts), not re-serialised.
    const texts = valueTexts(text(), ['*']);
    return events.map((event, i) => {
      const element = (elements as unknown[])[i];
      return {
        ...base,
        routingKey: routingKey(source.routingKey, headers, () => element, event),
        body: Buffer.from(texts.get(pathKey([i])) ?? JSON.stringify(element)),
        contentType: `${STRUCTURED}; charset=utf-8`,
        headers: { ...common, ...ceHeaders(event, hasTime(element)) },
        idempotencyKey: dedupKey(source.name, `ce:${event.source}:${event.id}`),
      };
    });
  }
  const isEvent = type === STRUCTURED || one(headers, 'ce-id') !== undefined;
  const event = isEvent ? cloudEvents(headers, text())[0] : undefined;
  let parsed: unknown;
  const json = () => (parsed ??= parseJsonBody(text()));
  const id = webhookId ?? (event ? `ce:${event.source}:${event.id}` : undefined);
  return [
    {
      ...base,
      routingKey: routingKey(source.routingKey, headers, json, event),
      body,
      contentType: one(headers, 'content-type') ?? 'application/octet-stream',
      headers: { ...common, ...(event ? ceHeaders(event, type === STRUCTURED ? hasTime(json()) : one(headers, 'ce-time') !== undefined) : {}) },
      ...(id ? { idempotencyKey: dedupKey(source.name, id) } : {}),
    },
  ];
}
