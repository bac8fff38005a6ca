import { z } from 'zod';
import { isDeadLetterQueue } from '../../broker/name-rules';
import { replayResultSchema } from '../../fact-schemas';
import { procedure, router } from '../init';
import { bodyInputSchema, browsedMessageSchema, headersInputSchema, nameSchema, queueInfoSchema, routingKeySchema } from '../schemas';
import { bodyBytes, deathView, messageView } from '../views';

/** Page rows carry bodies cut to this (the table shows none); the edit dialog reads a cut one in full. */
export const PAGE_BODY_LIMIT = 8 * 1024;

const deadLetterPageSchema = z.object({
  messages: z.array(browsedMessageSchema),
  nextCursor: z.string().nullable(),
  /** The whole queue by death reason and origin queue, not only this page. */
  counts: z.array(z.object({ reason: z.string(), origin: z.string().nullable(), count: z.number() })),
  /** What a replay of `all` (no filter) or of this filter would move now. */
  matching: z.number(),
  total: z.number(),
  /** When `matching` was counted: a replay sent with it as `filter.arrivedBy` leaves dead letters that arrived later. */
  readAt: z.string(),
});

const replayTargetSchema = z.union([
  z.literal('origin'),
  z.object({ queue: nameSchema }),
  z.object({ exchange: nameSchema, routingKey: routingKeySchema.optional() }),
]);

export const deadLettersRouter = router({
  /** The dead-letter queues (`*.dlq`) with their depth and settings, without messages: what the page polls for its picker. */
  queues: procedure
    .input(z.void())
    .output(z.array(queueInfoSchema))
    .query(async ({ ctx }) => (await ctx.broker.listQueues()).filter((q) => isDeadLetterQueue(q.name))),

  /** One page of one DLQ, newest or oldest first, filtered as a replay filters; counts cover the whole queue. */
  page: procedure
    .input(
      z.object({
        dlq: nameSchema,
        order: z.enum(['newest', 'oldest']).default('newest'),
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().max(200).optional(),
        filter: z.object({ routingKey: routingKeySchema.optional(), error: z.string().max(1000).optional() }).optional(),
      }),
    )
    .output(deadLetterPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.broker.deadLetterPage(input.dlq, input);
      return {
        messages: page.entries.map((e) => ({ ...messageView(e, PAGE_BODY_LIMIT), attempt: e.attempt, state: e.state, death: deathView(e.death) })),
        nextCursor: page.nextCursor,
        counts: page.counts,
        matching: page.matching,
        readAt: page.readAt,
        total: page.counts.reduce((n, c) => n + c.count, 0),
      };
    }),

  /** Every queue whose name ends in `.dlq`, with its dead letters (oldest first, up to `limit` each). Heavy: the console uses `queues` and `page`. */
  list: procedure
    .input(z.object({ limit: z.number().int().min(1).max(1000).default(200) }))
    .output(z.array(z.object({ queue: queueInfoSchema, messages: z.array(browsedMessageSchema) })))
    .query(async ({ ctx, input }) => {
      const dlqs = (await ctx.broker.listQueues()).filter((q) => isDeadLetterQueue(q.name));
      return Promise.all(
        dlqs.map(async (queue) => {
          const entries = await ctx.broker.browse(queue.name, { limit: input.limit });
          return {
            queue,
            messages: entries.map((e) => ({ ...messageView(e), attempt: e.attempt, state: e.state, death: deathView(e.death) })),
          };
        }),
      );
    }),

  replay: procedure
    .meta({ audit: { action: 'queue.replay', target: (i) => i.dlq, detail: (_i, o) => o } })
    .input(
      z.object({
        dlq: nameSchema,
        ids: z.array(z.uuid()).max(10_000).optional(),
        all: z.boolean().optional(),
        filter: z
          .object({
            routingKey: routingKeySchema.optional(),
            error: z.string().max(1000).optional(),
            /** The `readAt` of the page the operator confirmed from: later arrivals stay in the DLQ. */
            arrivedBy: z.iso.datetime({ offset: true }).optional(),
          })
          .optional(),
        target: replayTargetSchema.optional(),
        edit: z.object({ body: bodyInputSchema.optional(), headers: headersInputSchema.optional() }).optional(),
      }),
    )
    .output(replayResultSchema)
    .mutation(({ ctx, input }) =>
      ctx.broker.replay(input.dlq, {
        ids: input.ids,
        all: input.all,
        filter: input.filter && { ...input.filter, arrivedBy: input.filter.arrivedBy ? new Date(input.filter.arrivedBy) : undefined },
        target: input.target,
        // An empty edit would still store a new message: send none unless something changed.
        edit:
          input.edit?.body || input.edit?.headers
            ? {
                body: input.edit.body && bodyBytes(input.edit.body),
                contentType: input.edit.body?.contentType,
                headers: input.edit.headers && Object.fromEntries(Object.entries(input.edit.headers).map(([k, v]) => [k.toLowerCase(), v])),
              }
            : undefined,
      }),
    ),

  discard: procedure
    .meta({ audit: { action: 'queue.discard', target: (i) => i.dlq, detail: (i, o) => ({ ...o, ids: i.ids }) } })
    .input(z.object({ dlq: nameSchema, ids: z.array(z.uuid()).min(1).max(10_000) }))
    .output(z.object({ discarded: z.number() }))
    .mutation(({ ctx, input }) => ctx.broker.discard(input.dlq, input.ids)),
});
