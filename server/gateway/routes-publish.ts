import { z } from 'zod';
import { needs } from '../auth/scopes';
import { BrokerError, notFound } from '../broker/errors';
import { DEFAULT_EXCHANGE } from '../broker/names';
import { REPLY_QUEUE_PREFIX, replyQueueGone } from '../broker/request-reply';
import type { PublishInput } from '../broker/types';
import { pathKey, valueTexts } from '../json-source';
import { decodeBody } from './bodies';
import { headerValue } from './header-text';
import { GatewayError } from './errors';
import { isJsonType, jsonText, parseJson } from './http';
import { applyStructuredCloudEvent, cloudEventsBatch, cloudEventsMode } from './cloudevents';
import { boolHeader, checkContentEncoding, publishInputFromHeaders } from './publish-headers';
import type { Request, Route } from './router';
import { batchPublishSchema, errorSchema, publishResultSchema } from './schemas';

const tag = 'Publish';

const MAX_BATCH = 1000;

async function publishOne(r: Request, exchange: string, routingKey?: string) {
  const input = publishInputFromHeaders(r.req.headers, r.query, exchange);
  const mode = cloudEventsMode(input.contentType);
  if (mode === 'batch') {
    throw new GatewayError(
      'unsupported_media_type',
      `A CloudEvents batch (application/cloudevents-batch+json) is published with POST /v1/exchanges/${exchange}/messages:batch; this endpoint takes one message`,
      { contentType: input.contentType, batchPath: `/v1/exchanges/${exchange}/messages:batch` },
    );
  }
  input.body = await r.body();
  if (mode === 'structured') applyStructuredCloudEvent(input, r.req.headers, r.query);
  if (routingKey !== undefined) input.routingKey = routingKey;
  const result = await r.ctx.broker.publish(input);
  return { status: 201, body: result };
}

export const publishRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/exchanges/{exchange}/messages',
    access: (r) => needs.publish(r.params.exchange!),
    query: ['key'],
    tag,
    summary: 'Publish one message; the body is stored as bytes with its Content-Type, metadata travels in headers',
    rawBody: true,
    responses: { 201: publishResultSchema, 400: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema },
    handle: (r) => publishOne(r, r.params.exchange!),
  },
  {
    method: 'POST',
    path: '/v1/queues/{queue}/messages',
    access: () => needs.publish(DEFAULT_EXCHANGE),
    tag,
    summary: 'Publish one message straight to a queue (the default exchange)',
    rawBody: true,
    responses: { 201: publishResultSchema, 400: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema },
    async handle(r) {
      const queue = r.params.queue!;
      r.req.headers['hatoba-mandatory'] = 'true';
      try {
        return await publishOne(r, DEFAULT_EXCHANGE, queue);
      } catch (e) {
        // Through the default exchange, "unroutable" means the queue is not there.
        if (e instanceof BrokerError && e.code === 'unroutable') throw queue.startsWith(REPLY_QUEUE_PREFIX) ? replyQueueGone(queue) : notFound('queue', queue);
        throw e;
      }
    },
  },
  {
    method: 'POST',
    path: '/v1/exchanges/{exchange}/messages:batch',
    access: (r) => needs.publish(r.params.exchange!),
    // the routing key of a CloudEvents batch's events; a JSON batch with it is refused (jsonBatchKey)
    query: ['key'],
    tag,
    summary:
      'Publish up to 1,000 messages in one request, all or nothing; or a CloudEvents batch (application/cloudevents-batch+json), one message per event ' +
      "(?key= is the routing key of a CloudEvents batch's events; a JSON batch gives each message its routingKey and is refused with ?key=)",
    request: batchPublishSchema,
    responses: { 201: z.object({ results: z.array(publishResultSchema) }), 400: errorSchema, 404: errorSchema, 415: errorSchema },
    async handle(r) {
      if (r.req.headers['content-encoding'] !== undefined) checkContentEncoding(r.req.headers);
      const contentType = r.req.headers['content-type'];
      const exchange = r.params.exchange!;
      if (cloudEventsMode(contentType) === 'batch') {
        const inputs = cloudEventsBatch(await r.body(), r.req.headers, r.query, exchange, MAX_BATCH);
        return { status: 201, body: { results: await r.ctx.broker.publishBatch(inputs) } };
      }
      if (!isJsonType(contentType)) {
        throw new GatewayError('unsupported_media_type', 'A batch must be sent as application/json', { contentType: contentType ?? null });
      }
      if (r.query.has('key')) throw jsonBatchKey(exchange);
      // Hatoba-Mandatory and Hatoba-Persistent on the request apply to each message that does not say otherwise.
      const mandatory = boolHeader('Hatoba-Mandatory', headerValue(r.req.headers, 'hatoba-mandatory'));
      const persistent = boolHeader('Hatoba-Persistent', headerValue(r.req.headers, 'hatoba-persistent'));
      const text = jsonText(await r.body());
      const { messages } = parseJson(text, batchPublishSchema);
      const sources = valueTexts(text, ['messages', '*', 'body']);
      const inputs = messages.map((m, i): PublishInput => {
        const { bytes, contentType: derived } = atMessage(i, () => decodeBody(m.body, m.encoding, sources.get(pathKey(['messages', i, 'body']))));
        return {
          exchange,
          routingKey: m.routingKey ?? '',
          body: bytes,
          contentType: m.contentType ?? derived,
          headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
          correlationId: m.correlationId,
          replyTo: m.replyTo,
          idempotencyKey: m.idempotencyKey,
          delayMs: m.delayMs,
          persistent: m.persistent ?? persistent,
          mandatory: m.mandatory ?? mandatory,
        };
      });
      return { status: 201, body: { results: await r.ctx.broker.publishBatch(inputs) } };
    },
  },
];

/** `?key=` on a JSON batch: refused like an unknown query parameter rather than silently ignored. */
function jsonBatchKey(exchange: string): GatewayError {
  return new GatewayError(
    'validation_failed',
    `Query parameter 'key' is only read for a CloudEvents batch (application/cloudevents-batch+json) on POST /v1/exchanges/${exchange}/messages:batch; ` +
      'a JSON batch gives each message its routing key in messages[].routingKey',
    { field: 'key', issues: [{ path: 'key', message: 'only read for a CloudEvents batch; a JSON batch uses messages[].routingKey' }] },
  );
}

/** A batch message's error names the message: `messages[3].body: …`, with its path in the details. */
function atMessage<T>(i: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    throw new GatewayError(e.code, `messages[${i}].body: ${e.message}`, { ...e.details, path: `messages.${i}.body` });
  }
}
