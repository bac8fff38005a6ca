import { z } from 'zod';
import { needs } from '../auth/scopes';
import { headerBytes } from './header-text';
import { applyStructuredCloudEvent, cloudEventsMode } from './cloudevents';
import { alwaysMandatory, publishInputFromHeaders, refuseRepeatedHeaders, refuseUnreadHeaders } from './publish-headers';
import { GatewayError } from './errors';
import { route, type Request, type Route } from './router';
import { errorSchema } from './schemas';

const querySchema = z.object({
  key: z.string().optional(),
  timeoutMs: z
    .string()
    .regex(/^\d+$/, 'timeoutMs must be a whole number of milliseconds from 1 to 300000')
    .transform(Number)
    .pipe(z.number().min(1, 'timeoutMs must be from 1 to 300000 ms').max(300_000, 'timeoutMs must be from 1 to 300000 ms'))
    .default(30_000),
}).strict();

/**
 * A key revoked while its request waited is not given the reply, as a receive that waited gets
 * no messages (routes-consume.ts). The request went out with the key's authority then; the reply
 * stays in the message store, and its trace (the correlation ID) shows both.
 */
async function refuseIfRevoked(r: Request, correlationId: string | null): Promise<void> {
  const { security } = r.ctx;
  if (!security.enabled || (await security.authenticate(r.req))) return;
  throw new GatewayError(
    'unauthenticated',
    'This API key was revoked while the request waited: the request was published and answered, but the reply is not given to a revoked key (an operator finds both by the correlation ID)',
    { published: true, correlationId },
  );
}

export const requestRoutes: Route[] = [
  route({
    method: 'POST',
    path: '/v1/exchanges/{exchange}/request',
    access: (r) => needs.publish(r.params.exchange!),
    query: querySchema,
    tag: 'Request-reply',
    summary:
      "Publish the body with a new correlation ID and this gateway's reply queue as return address; answer with the reply " +
      '(504 reply_timeout; 409 duplicate_request when the Idempotency-Key was already used: nothing is published; ' +
      '503 shutting_down when this node stops while waiting: details.published says whether the request went out; ' +
      '401 unauthenticated when the API key is revoked while the request waits: the reply is not given; ' +
      'Hatoba-Correlation-Id, Hatoba-Reply-To and Hatoba-Mandatory: false are 400 validation_failed, since a request uses its own)',
    rawBody: true,
    responses: { 200: null, 401: errorSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema, 504: errorSchema },
    async handle(r, q) {
      const exchange = r.params.exchange!;
      refuseRepeatedHeaders(r.req);
      // A request's correlation ID and return address are its own: given ones would be ignored, so they are refused.
      refuseUnreadHeaders(
        r.req.headers,
        {
          'hatoba-correlation-id': "a request is published with a new correlation ID, answered in the reply's Hatoba-Correlation-Id",
          'hatoba-reply-to': "a request's return address is this node's reply queue, which waits for the reply",
        },
        `POST /v1/exchanges/${exchange}/request`,
      );
      alwaysMandatory(r.req.headers, 'a request nobody can receive is refused at once (404 unroutable)');
      const input = publishInputFromHeaders(r.req.headers, r.query, r.params.exchange!);
      if (q.key !== undefined) input.routingKey = q.key;
      input.body = await r.body();
      // A structured CloudEvent is the request as binary mode would send it (cloudevents.ts).
      if (cloudEventsMode(input.contentType) === 'structured') applyStructuredCloudEvent(input, r.req.headers, r.query);
      const reply = await r.ctx.broker.request(input, q.timeoutMs);
      await refuseIfRevoked(r, reply.correlationId);
      const headers: Record<string, string> = {
        'content-type': headerBytes('content-type', reply.contentType) ?? 'application/octet-stream',
        'hatoba-message-id': reply.id,
      };
      const correlationId = headerBytes('hatoba-correlation-id', reply.correlationId);
      if (correlationId !== undefined) headers['hatoba-correlation-id'] = correlationId;
      for (const [name, value] of Object.entries(reply.headers)) {
        const bytes = headerBytes(`hatoba-header-${name}`, value);
        if (bytes !== undefined) headers[`hatoba-header-${name}`] = bytes;
      }
      return { status: 200, body: reply.body, headers, raw: true };
    },
  }),
];
