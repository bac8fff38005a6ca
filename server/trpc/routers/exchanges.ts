import { z } from 'zod';
import { notFound } from '../../broker/errors';
import { procedure, router } from '../init';
import { bindingSchema, bodyInputSchema, exchangeInfoSchema, headersInputSchema, nameSchema, routingKeySchema } from '../schemas';
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
});
