import { z } from 'zod';
import { needs } from '../auth/scopes';
import { BUCKET_SECONDS, type Bucket } from '../broker/pg/exchange-log';
import { checkStoredText } from '../broker/names';
import { queryInt } from './http';
import { route, type Route } from './router';
import { errorSchema, messageViewSchema } from './schemas';
import { messageView } from './views';

const tag = 'Event log';
const isoDate = z.iso.datetime({ offset: true });

const logQuerySchema = z
  .object({
    after: queryInt('after', 0).default(0),
    limit: queryInt('limit', 1, 1000).default(100),
    key: z.string().optional(),
  })
  .strict();

const depthQuerySchema = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict();

const historyQuerySchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    bucket: z.enum(Object.keys(BUCKET_SECONDS) as [Bucket, ...Bucket[]]).default('1m'),
    groupBy: z.enum(['routingKey', 'none']).default('routingKey'),
  })
  .strict();

export const exchangeReplaySchema = z
  .object({
    from: isoDate,
    to: isoDate,
    routingKey: z.string().optional(),
    target: z.union([z.object({ queue: z.string() }).strict(), z.object({ exchange: z.string(), routingKey: z.string().optional() }).strict()]),
  })
  .strict();

export const logRoutes: Route[] = [
  route({
    method: 'GET',
    path: '/v1/exchanges/{exchange}/log',
    access: () => needs.monitoring,
    query: logQuerySchema,
    tag,
    summary: 'Messages of an exchange in commit order with a monotonic seq; follow with after=nextAfter',
    responses: {
      200: z.object({ messages: z.array(messageViewSchema.extend({ seq: z.number().int(), replayOf: z.string().nullable() })), nextAfter: z.number().int() }),
      404: errorSchema,
    },
    async handle(r, q) {
      const log = await r.ctx.broker.exchangeLog(r.params.exchange!, { after: q.after, limit: q.limit, routingKey: q.key });
      return { status: 200, body: { messages: log.messages.map((m) => ({ seq: m.seq, ...messageView(m), replayOf: m.replayOf })), nextAfter: log.nextAfter } };
    },
  }),
  {
    method: 'POST',
    path: '/v1/exchanges/{exchange}/replay',
    access: () => needs.manage,
    // What was asked (range, key, target) beside what moved: the body was read and checked by handle.
    audit: async (r, reply) => ({
      action: 'exchange.replay',
      target: r.params.exchange!,
      detail: { ...(await r.json(exchangeReplaySchema)), ...(reply.body as Record<string, unknown>) },
    }),
    tag,
    summary: 'Re-publish a time range of stored history into a queue or through an exchange',
    request: exchangeReplaySchema,
    // 409 queue_in_use: the target queue is a dead-letter queue
    responses: { 200: z.object({ replayed: z.number().int() }), 404: errorSchema, 409: errorSchema },
    async handle(r) {
      const b = await r.json(exchangeReplaySchema);
      checkStoredText({ routingKey: b.routingKey, 'target.routingKey': 'routingKey' in b.target ? b.target.routingKey : undefined });
      const replayed = await r.ctx.broker.exchangeReplay(r.params.exchange!, {
        from: new Date(b.from),
        to: new Date(b.to),
        routingKey: b.routingKey,
        target: b.target,
      });
      return { status: 200, body: replayed };
    },
  },
  route({
    method: 'GET',
    path: '/v1/exchanges/{exchange}/history',
    access: () => needs.monitoring,
    query: historyQuerySchema,
    tag,
    summary: 'Message volume over time (count and bytes per bucket), per routing key',
    responses: {
      200: z.object({ buckets: z.array(z.object({ at: z.string(), routingKey: z.string().nullable(), count: z.number(), bytes: z.number() })) }),
      404: errorSchema,
    },
    async handle(r, q) {
      const to = q.to ? new Date(q.to) : new Date();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3600_000);
      const buckets = await r.ctx.broker.exchangeHistory(r.params.exchange!, { from, to, bucket: q.bucket, groupByRoutingKey: q.groupBy === 'routingKey' });
      return { status: 200, body: { buckets: buckets.map((b) => ({ ...b, at: b.at.toISOString() })) } };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/queues/{name}/depth',
    access: () => needs.monitoring,
    query: depthQuerySchema,
    tag: 'Topology',
    summary: 'Depth samples of a queue over time (one per sampling interval)',
    responses: {
      200: z.object({
        samples: z.array(z.object({ at: z.string(), ready: z.number(), inFlight: z.number(), delayed: z.number(), oldestReadyAgeMs: z.number().nullable() })),
      }),
      404: errorSchema,
    },
    async handle(r, q) {
      const to = q.to ? new Date(q.to) : new Date();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3600_000);
      const samples = await r.ctx.broker.queueDepthHistory(r.params.name!, { from, to });
      return { status: 200, body: { samples: samples.map((s) => ({ ...s, at: s.at.toISOString() })) } };
    },
  }),
];
