import { z } from 'zod';
import { needs } from '../auth/scopes';
import { traceEventSchema } from '../fact-schemas';
import { GatewayError } from './errors';
import { queryInt, queryText } from './http';
import { route, type Route } from './router';
import { errorSchema, messageViewSchema } from './schemas';
import { messageView } from './views';

const tag = 'Traces and messages';
const isoDate = z.iso.datetime({ offset: true });

export const messageQuerySchema = z
  .object({
    id: z.uuid().optional(),
    correlationId: queryText('correlationId').optional(),
    exchange: queryText('exchange', 'an exchange name of 1–200 characters').optional(),
    routingKey: z.string().optional(),
    queue: queryText('queue', 'a queue name of 1–200 characters').optional(),
    /** `name:value`, repeatable */
    header: z.array(z.string().regex(/^[^:]+:.*$/, 'use name:value')).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    limit: queryInt('limit', 1, 1000).default(50),
    cursor: z.uuid().optional(),
  })
  .strict();

const foundSchema = messageViewSchema.extend({ routedTo: z.array(z.string()), seq: z.number().int() });

export const observeRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/traces/{correlationId}',
    access: () => needs.monitoring,
    tag,
    summary: 'Every message that carries a correlation ID and every lifecycle event of them, in time order',
    responses: {
      200: z.object({ correlationId: z.string(), messages: z.array(foundSchema.omit({ seq: true }).extend({ replayOf: z.string().nullable() })), events: z.array(traceEventSchema) }),
    },
    async handle(r) {
      const trace = await r.ctx.broker.trace(r.params.correlationId!);
      return {
        status: 200,
        body: {
          correlationId: r.params.correlationId,
          messages: trace.messages.map((m) => ({ ...messageView(m), routedTo: m.routedTo, replayOf: m.replayOf })),
          events: trace.events.map((e) => ({ ...e, at: e.at.toISOString() })),
        },
      };
    },
  },
  route({
    method: 'GET',
    path: '/v1/messages',
    access: () => needs.monitoring,
    query: messageQuerySchema,
    tag,
    summary: 'Search stored messages (newest first): correlationId, id, exchange, routingKey, queue, header=name:value, from, to; cursor pagination',
    responses: { 200: z.object({ messages: z.array(foundSchema), nextCursor: z.string().nullable() }), 400: errorSchema },
    async handle(r, q) {
      // Every header=name:value must match (AND). A stored header has one value, so one name asked
      // with two different values could match nothing: refused rather than one value silently kept.
      // A Map, not a plain object: a name like constructor or __proto__ is a header, not a member of Object.prototype.
      const headers = new Map<string, string>();
      for (const h of q.header ?? []) {
        const name = h.slice(0, h.indexOf(':')).toLowerCase();
        const value = h.slice(h.indexOf(':') + 1);
        const given = headers.get(name);
        if (given !== undefined && given !== value) {
          throw new GatewayError('validation_failed', `header ${name} is given with two values ('${given}' and '${value}'): a message has one value per header, give it once`, {
            field: 'header',
            header: name,
          });
        }
        headers.set(name, value);
      }
      const found = await r.ctx.broker.searchMessages({
        ...q,
        headers: Object.fromEntries(headers),
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
      return { status: 200, body: { messages: found.messages.map((m) => ({ ...messageView(m), routedTo: m.routedTo, seq: m.seq })), nextCursor: found.nextCursor } };
    },
  }),
];

