import { z } from 'zod';
import { needs } from '../auth/scopes';
import { BrokerError, notFound } from '../broker/errors';
import { checkName, DEFAULT_EXCHANGE } from '../broker/names';
import { REPLY_QUEUE_PREFIX, replyQueueGone } from '../broker/request-reply';
import type { PublishInput } from '../broker/types';
import { pathKey, valueTexts } from '../json-source';
import { atBodyField, decodeBody } from './bodies';
import { headerValue } from './header-text';
import { GatewayError } from './errors';
import { isJsonType, jsonText, parseJson } from './http';
import { applyStructuredCloudEvent, cloudEventsBatch, cloudEventsMode } from './cloudevents';
import { alwaysMandatory, boolHeader, checkContentEncoding, lowercaseHeaderNames, publishInputFromHeaders, refuseRepeatedHeaders, refuseUnreadHeaders, traceContext } from './publish-headers';
import type { Request, Route } from './router';
import { batchPublishSchema, errorSchema, publishResultSchema } from './schemas';

const tag = 'Publish';

const MAX_BATCH = 1000;

async function publishOne(r: Request, exchange: string, routingKey?: string) {
  refuseRepeatedHeaders(r.req);
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
    summary:
      "Publish one message straight to a queue (the default exchange): the queue's name is its routing key (a Hatoba-Routing-Key header is refused) " +
      'and it is always mandatory (404 queue_not_found; Hatoba-Mandatory: false is refused)',
    rawBody: true,
    responses: { 201: publishResultSchema, 400: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema },
    async handle(r) {
      const queue = r.params.queue!;
      // The path names a queue: a name no queue can have is invalid_name, as on receive, not an invalid routing key.
      checkName('queue', queue);
      const where = `POST /v1/queues/${queue}/messages`;
      refuseUnreadHeaders(
        r.req.headers,
        { 'hatoba-routing-key': `the queue's name ('${queue}') is its routing key; to publish with another, use POST /v1/exchanges/{exchange}/messages` },
        where,
      );
      alwaysMandatory(
        r.req.headers,
        `a publish straight to a queue is always mandatory (404 queue_not_found when '${queue}' does not exist); ` +
          `to publish with no error when no queue takes it, use POST /v1/exchanges/${DEFAULT_EXCHANGE}/messages?key=${queue}`,
      );
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
      "(?key= is the routing key of a CloudEvents batch's events; a JSON batch gives each message its routingKey and is refused with ?key=). " +
      'Hatoba-Mandatory, Hatoba-Persistent and traceparent apply to every message; a header a message gives in its own fields (Hatoba-Routing-Key on a JSON batch, ' +
      'Hatoba-Correlation-Id, Hatoba-Reply-To, Idempotency-Key, Hatoba-Delay-Ms, Hatoba-Header-*, ce-*) is 400 validation_failed',
    request: batchPublishSchema,
    responses: { 201: z.object({ results: z.array(publishResultSchema) }), 400: errorSchema, 404: errorSchema, 415: errorSchema },
    async handle(r) {
      if (r.req.headers['content-encoding'] !== undefined) checkContentEncoding(r.req.headers);
      refuseRepeatedHeaders(r.req);
      const contentType = r.req.headers['content-type'];
      const exchange = r.params.exchange!;
      if (cloudEventsMode(contentType) === 'batch') {
        refuseUnreadHeaders(r.req.headers, CLOUDEVENTS_BATCH_UNREAD, `a CloudEvents batch (POST /v1/exchanges/${exchange}/messages:batch)`);
        const inputs = cloudEventsBatch(await r.body(), r.req.headers, r.query, exchange, MAX_BATCH);
        return { status: 201, body: { results: await r.ctx.broker.publishBatch(inputs) } };
      }
      if (!isJsonType(contentType)) {
        throw new GatewayError('unsupported_media_type', 'A batch must be sent as application/json', { contentType: contentType ?? null });
      }
      if (r.query.has('key')) throw jsonBatchKey(exchange);
      refuseUnreadHeaders(r.req.headers, JSON_BATCH_UNREAD, `a JSON batch (POST /v1/exchanges/${exchange}/messages:batch)`);
      // The trace context, like these two, is the request's: every message carries it (as on a CloudEvents batch).
      const { traceparent, tracestate } = traceContext(r.req.headers);
      // Hatoba-Mandatory and Hatoba-Persistent on the request apply to each message that does not say otherwise.
      const mandatory = boolHeader('Hatoba-Mandatory', headerValue(r.req.headers, 'hatoba-mandatory'));
      const persistent = boolHeader('Hatoba-Persistent', headerValue(r.req.headers, 'hatoba-persistent'));
      const text = jsonText(await r.body());
      const { messages } = parseJson(text, batchPublishSchema);
      const sources = valueTexts(text, ['messages', '*', 'body']);
      const inputs = messages.map((m, i): PublishInput => {
        const { bytes, contentType: derived } = atBodyField(`messages.${i}.body`, () => decodeBody(m.body, m.encoding, sources.get(pathKey(['messages', i, 'body']))));
        return {
          exchange,
          routingKey: m.routingKey ?? '',
          body: bytes,
          contentType: m.contentType ?? derived,
          headers: lowercaseHeaderNames(m.headers ?? {}, `messages.${i}.headers`, `messages[${i}].headers`),
          correlationId: m.correlationId,
          replyTo: m.replyTo,
          idempotencyKey: m.idempotencyKey,
          delayMs: m.delayMs,
          persistent: m.persistent ?? persistent,
          mandatory: m.mandatory ?? mandatory,
          traceparent,
          tracestate,
        };
      });
      return { status: 201, body: { results: await r.ctx.broker.publishBatch(inputs) } };
    },
  },
];

/**
 * Request headers a JSON batch does not read, since each message says them in its own fields:
 * refused (400, naming the header and the field) rather than ignored.
 */
const JSON_BATCH_UNREAD: Record<string, string> = {
  'hatoba-routing-key': 'give each message its routing key in messages[].routingKey (the header is read for a CloudEvents batch only)',
  'hatoba-correlation-id': "give each message's correlation ID in messages[].correlationId",
  'hatoba-reply-to': "give each message's return address in messages[].replyTo",
  'idempotency-key': "give each message's idempotency key in messages[].idempotencyKey",
  'hatoba-delay-ms': "give each message's delay in messages[].delayMs",
  'hatoba-header-*': "give each message's application headers in messages[].headers",
  'ce-*': 'CloudEvents are batched as application/cloudevents-batch+json, each event with its own attributes',
};

/**
 * Request headers a CloudEvents batch does not read: each event is a message of its own, with its
 * attributes as ce-* headers and its source and id as its idempotency key. It reads
 * Hatoba-Routing-Key (or ?key=), Hatoba-Mandatory, Hatoba-Persistent and the trace context.
 */
const CLOUDEVENTS_BATCH_UNREAD: Record<string, string> = {
  'hatoba-correlation-id': 'each event is a message of its own, with a correlation ID of its own',
  'hatoba-reply-to': 'a CloudEvents batch takes no return address',
  'idempotency-key': "each event's idempotency key is its source and id",
  'hatoba-delay-ms': 'a CloudEvents batch is published at once',
  'hatoba-header-*': 'give each event an extension attribute instead (it travels as a ce-* header)',
  'ce-*': 'each event carries its own attributes in the batch',
};

/** `?key=` on a JSON batch: refused like an unknown query parameter rather than silently ignored. */
function jsonBatchKey(exchange: string): GatewayError {
  return new GatewayError(
    'validation_failed',
    `Query parameter 'key' is only read for a CloudEvents batch (application/cloudevents-batch+json) on POST /v1/exchanges/${exchange}/messages:batch; ` +
      'a JSON batch gives each message its routing key in messages[].routingKey',
    { field: 'key', issues: [{ path: 'key', message: 'only read for a CloudEvents batch; a JSON batch uses messages[].routingKey' }] },
  );
}
