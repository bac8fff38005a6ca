import { z } from 'zod';
import { procedure, router } from '../init';
import { nameSchema, routingKeySchema } from '../schemas';
import { iso } from '../views';

const bucketSchema = z.enum(['1m', '5m', '15m', '1h', '6h', '1d']);
const range = { from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) };

export const historyRouter = router({
  /** Message volume per routing key over time, from the message store's per-minute counts. */
  volume: procedure
    .input(z.object({ exchange: nameSchema, ...range, bucket: bucketSchema }))
    .output(z.array(z.object({ at: z.string(), routingKey: z.string().nullable(), count: z.number(), bytes: z.number() })))
    .query(async ({ ctx, input }) => {
      const buckets = await ctx.broker.exchangeHistory(input.exchange, {
        from: new Date(input.from),
        to: new Date(input.to),
        bucket: input.bucket,
        groupByRoutingKey: true,
      });
      return buckets.map((b) => ({ ...b, at: iso(b.at) }));
    }),

  /** Re-publishes stored messages of a time range into a queue (or through an exchange). */
  replay: procedure
    .meta({ audit: { action: 'exchange.replay', target: (i) => i.exchange, detail: (i, o) => ({ ...o, from: i.from, to: i.to, target: i.target }) } })
    .input(
      z.object({
        exchange: nameSchema,
        ...range,
        routingKey: routingKeySchema.min(1).optional(),
        target: z.union([z.object({ queue: nameSchema }), z.object({ exchange: nameSchema, routingKey: routingKeySchema.optional() })]),
      }),
    )
    .output(z.object({ replayed: z.number() }))
    .mutation(({ ctx, input }) =>
      ctx.broker.exchangeReplay(input.exchange, {
        from: new Date(input.from),
        to: new Date(input.to),
        routingKey: input.routingKey,
        target: input.target,
      }),
    ),
});
