import { z } from 'zod';
import { procedure, router } from '../init';
import { bodyInputSchema, browsedMessageSchema, headersInputSchema, nameSchema, queueInfoSchema, routingKeySchema } from '../schemas';
import { bodyBytes, deathView, messageView } from '../views';

const DLQ_SUFFIX = '.dlq';

const replayTargetSchema = z.union([
  z.literal('origin'),
  z.object({ queue: nameSchema }),
  z.object({ exchange: nameSchema, routingKey: routingKeySchema.optional() }),
]);

export const deadLettersRouter = router({
  /** Every queue whose name ends in `.dlq`, with its dead letters (oldest first, up to `limit` each). */
  list: procedure
    .input(z.object({ limit: z.number().int().min(1).max(1000).default(200) }))
    .output(z.array(z.object({ queue: queueInfoSchema, messages: z.array(browsedMessageSchema) })))
    .query(async ({ ctx, input }) => {
      const dlqs = (await ctx.broker.listQueues()).filter((q) => q.name.endsWith(DLQ_SUFFIX));
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
        filter: z.object({ routingKey: routingKeySchema.optional(), error: z.string().max(1000).optional() }).optional(),
        target: replayTargetSchema.optional(),
        edit: z.object({ body: bodyInputSchema.optional(), headers: headersInputSchema.optional() }).optional(),
      }),
    )
    .output(z.object({ replayed: z.number() }))
    .mutation(({ ctx, input }) =>
      ctx.broker.replay(input.dlq, {
        ids: input.ids,
        all: input.all,
        filter: input.filter,
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
