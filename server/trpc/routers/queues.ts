import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { queueConsumersSchema } from '../../broker/live-figures';
import { DEFAULT_EXCHANGE } from '../../broker/names';
import { queueDeclarationSchema } from '../../broker/queue-settings';
import { pushView, pushViewSchema } from '../../webhooks/push-view';
import { procedure, router } from '../init';
import { bodyInputSchema, browsedMessageSchema, headersInputSchema, nameSchema, queueInfoSchema, routingKeySchema } from '../schemas';
import { bodyBytes, deathView, iso, messageView } from '../views';

/** How far back the console's first trend reaches: about the DLQ trend's 14 polls of 2 s (components/queues/queue-signals.ts). */
const RECENT_DEPTHS_MS = 30_000;

const depthSampleSchema = z.object({
  at: z.string(),
  ready: z.number(),
  inFlight: z.number(),
  delayed: z.number(),
  oldestReadyAgeMs: z.number().nullable(),
});

export const queuesRouter = router({
  list: procedure
    .input(z.void())
    .output(z.array(queueInfoSchema))
    .query(({ ctx }) => ctx.broker.listQueues()),

  get: procedure
    .input(z.object({ name: nameSchema }))
    .output(queueInfoSchema)
    .query(({ ctx, input }) => ctx.broker.queueInfo(input.name)),

  /** The queue's consumers on all live nodes (GET /v1/queues/{name}/consumers). */
  consumers: procedure
    .input(z.object({ name: nameSchema }))
    .output(queueConsumersSchema)
    .query(({ ctx, input }) => ctx.broker.queueConsumers(input.name)),

  depthHistory: procedure
    .input(z.object({ name: nameSchema, minutes: z.number().int().min(1).max(7 * 24 * 60) }))
    .output(z.array(depthSampleSchema))
    .query(async ({ ctx, input }) => {
      const to = new Date();
      const from = new Date(to.getTime() - input.minutes * 60_000);
      const samples = await ctx.broker.queueDepthHistory(input.name, { from, to });
      return samples.map((s) => ({ ...s, at: iso(s.at) }));
    }),

  /** Every queue's sampled depth over the last half minute, oldest first: the console's first trend. */
  recentDepths: procedure
    .input(z.void())
    .output(z.array(z.object({ queue: z.string(), depths: z.array(z.number()) })))
    .query(async ({ ctx }) => [...(await ctx.broker.recentDepths(RECENT_DEPTHS_MS))].map(([queue, depths]) => ({ queue, depths }))),

  /** Where the queue is pushed, if it is (PUT /v1/queues/{name}/push); never the secret. */
  push: procedure
    .input(z.object({ name: nameSchema }))
    .output(pushViewSchema.nullable())
    .query(async ({ ctx, input }) => {
      const endpoint = (await ctx.runtime.push?.find(input.name)) ?? null;
      return endpoint && { ...pushView(endpoint), running: ctx.runtime.push!.running(input.name) };
    }),

  /** Entries without leasing them: looking never changes what a consumer gets. */
  browse: procedure
    .input(z.object({ name: nameSchema, limit: z.number().int().min(1).max(500).default(50) }))
    .output(z.array(browsedMessageSchema))
    .query(async ({ ctx, input }) => {
      const entries = await ctx.broker.browse(input.name, { limit: input.limit });
      return entries.map((e) => ({ ...messageView(e), attempt: e.attempt, state: e.state, death: deathView(e.death) }));
    }),

  /** A test message, straight to the queue through the default exchange. */
  publish: procedure
    .meta({ audit: { action: 'queue.publish', target: (i) => i.queue, detail: (_i, o) => ({ id: o.id, correlationId: o.correlationId }) } })
    .input(
      z.object({
        queue: nameSchema,
        body: bodyInputSchema,
        headers: headersInputSchema.default({}),
        correlationId: z.string().min(1).max(255).optional(),
        routingKey: routingKeySchema.optional(),
      }),
    )
    .output(z.object({ id: z.string(), correlationId: z.string(), queues: z.array(z.string()), duplicate: z.boolean() }))
    .mutation(({ ctx, input }) =>
      ctx.broker.publish({
        exchange: DEFAULT_EXCHANGE,
        routingKey: input.queue,
        body: bodyBytes(input.body),
        contentType: input.body.contentType,
        headers: Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])),
        correlationId: input.correlationId,
        mandatory: true,
      }),
    ),

  purge: procedure
    .meta({ audit: { action: 'queue.purge', target: (i) => i.name, detail: (_i, o) => o } })
    .input(z.object({ name: nameSchema }))
    .output(z.object({ purged: z.number() }))
    .mutation(({ ctx, input }) => ctx.broker.purge(input.name)),

  /**
   * A new queue, as PUT /v1/queues/{name} declares one (its `.dlq` too, unless deadLetter is
   * false). Unlike the PUT, an existing name is CONFLICT: a form that says "new" never rewrites
   * a live queue's settings.
   */
  create: procedure
    .meta({ audit: { action: 'queue.declare', target: (i) => i.name, detail: (_i, o) => ({ created: true, settings: o.settings }) } })
    .input(z.object({ name: nameSchema, settings: queueDeclarationSchema.default({}) }))
    .output(queueInfoSchema)
    .mutation(async ({ ctx, input }) => {
      if (ctx.broker.exportDefinitions().queues.some((q) => q.name === input.name)) {
        throw new TRPCError({ code: 'CONFLICT', message: `Queue '${input.name}' already exists` });
      }
      await ctx.broker.declareQueue(input.name, input.settings);
      return ctx.broker.queueInfo(input.name);
    }),

  /** Deletes a queue, its entries and its bindings (DELETE /v1/queues/{name}); CONFLICT while another queue dead-letters to it. */
  delete: procedure
    .meta({ audit: { action: 'queue.delete', target: (i) => i.name } })
    .input(z.object({ name: nameSchema }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.deleteQueue(input.name);
      return { deleted: true as const };
    }),
});
