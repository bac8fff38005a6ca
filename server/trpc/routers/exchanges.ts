import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { bindingEntry } from '../../auth/audit';
import { notFound } from '../../broker/errors';
import { procedure, router } from '../init';
import { bindingInputSchema, bindingSchema, bodyInputSchema, exchangeInfoSchema, headersInputSchema, nameSchema, routingKeySchema } from '../schemas';
import { bodyBytes } from '../views';

export const exchangesRouter = router({
  /** Every exchange, the default one included, with its binding count and publish rate (all live nodes). */
  list: procedure
    .input(z.void())
    .output(z.array(exchangeInfoSchema))
    .query(({ ctx }) => ctx.broker.listExchanges()),

  /**
   * One exchange and the bindings from it, ordered by queue (as the queue list is) then key (by
   * code point: `#` before `*`). An unknown name is NOT_FOUND (`exchange_not_found`), as an
   * unknown queue is on `queues.get`. The default exchange has no bindings: it routes to the queue
   * its routing key names.
   */
  get: procedure
    .input(z.object({ name: nameSchema }))
    .output(z.object({ exchange: exchangeInfoSchema, bindings: z.array(bindingSchema) }))
    .query(async ({ ctx, input }) => {
      const exchange = (await ctx.broker.listExchanges()).find((x) => x.name === input.name);
      if (!exchange) throw notFound('exchange', input.name);
      const bindings = ctx.broker
        .exportDefinitions()
        .bindings.filter((b) => b.exchange === input.name)
        .sort((a, b) => a.queue.localeCompare(b.queue) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { exchange, bindings };
    }),

  /**
   * A message published to the exchange with a routing key, as a client would. Not mandatory: a
   * message no binding takes is kept (its trace says "unroutable") and the answer's `queues` is
   * empty, so the console can say so rather than fail.
   */
  publish: procedure
    .meta({
      audit: {
        action: 'exchange.publish',
        target: (i) => i.exchange,
        detail: (i, o) => ({ id: o.id, correlationId: o.correlationId, routingKey: i.routingKey ?? '', queues: o.queues }),
      },
    })
    .input(
      z.object({
        exchange: nameSchema,
        routingKey: routingKeySchema.default(''),
        body: bodyInputSchema,
        headers: headersInputSchema.default({}),
        correlationId: z.string().min(1).max(255).optional(),
      }),
    )
    .output(z.object({ id: z.string(), correlationId: z.string(), queues: z.array(z.string()), duplicate: z.boolean() }))
    .mutation(({ ctx, input }) =>
      ctx.broker.publish({
        exchange: input.exchange,
        routingKey: input.routingKey,
        body: bodyBytes(input.body),
        contentType: input.body.contentType,
        // Header bindings match lowercased names, as the HTTP API stores them.
        headers: Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])),
        correlationId: input.correlationId,
        mandatory: false,
      }),
    ),

  /** A new exchange (PUT /v1/exchanges/{name}); an existing name is CONFLICT, whatever its type. */
  create: procedure
    .meta({ audit: { action: 'exchange.declare', target: (i) => i.name, detail: (i) => ({ type: i.type, created: true }) } })
    .input(z.object({ name: nameSchema, type: exchangeInfoSchema.shape.type }))
    .output(z.object({ name: z.string(), type: exchangeInfoSchema.shape.type }))
    .mutation(async ({ ctx, input }) => {
      const existing = ctx.broker.exportDefinitions().exchanges.find((x) => x.name === input.name);
      if (existing) throw new TRPCError({ code: 'CONFLICT', message: `Exchange '${input.name}' already exists (${existing.type})` });
      await ctx.broker.declareExchange(input.name, input.type);
      return { name: input.name, type: input.type };
    }),

  /** Deletes an exchange and its bindings; CONFLICT while a queue dead-letters through it or a webhook source publishes to it. */
  delete: procedure
    .meta({ audit: { action: 'exchange.delete', target: (i) => i.name } })
    .input(z.object({ name: nameSchema }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.broker.deleteExchange(input.name);
      return { deleted: true as const };
    }),

  /** Binds a queue (POST /v1/bindings, idempotent): `created` is false when the binding was there already. */
  bind: procedure
    .meta({ audit: { action: 'binding.declare', target: (i) => bindingEntry(i, {}).target, detail: (i, o) => bindingEntry(i, { created: o.created }).detail } })
    .input(bindingInputSchema)
    .output(z.object({ created: z.boolean(), binding: bindingSchema }))
    .mutation(({ ctx, input }) => ctx.broker.bind(input)),

  /** Removes a binding (DELETE /v1/bindings): `deleted` is false when there was no such binding. */
  unbind: procedure
    .meta({ audit: { action: 'binding.delete', target: (i) => bindingEntry(i, {}).target, detail: (i, o) => bindingEntry(i, { deleted: o.deleted }).detail } })
    .input(bindingInputSchema)
    .output(z.object({ deleted: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.broker.unbind(input)),
});

