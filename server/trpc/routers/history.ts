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

  /**
   * How many stored messages a replay of this range would re-publish, for its confirmation. Read
   * from the per-minute counts (cheap at any size), so whole minutes count: the range the console
   * sends runs from one minute edge to another, and `to` itself is left out as the replay's last
   * millisecond can hardly hold a message of its own. `readAt` is this server's time just before the
   * count was read: the console sends `to = min(to, readAt)` with the confirmed replay, so nothing
   * published after the count is re-published.
   */
  replayCount: procedure
    .input(z.object({ exchange: nameSchema, ...range, routingKey: routingKeySchema.min(1).optional() }))
    .output(z.object({ count: z.number(), readAt: z.string() }))
    .query(async ({ ctx, input }) => {
      // Taken before the read, so the count holds everything published up to it.
      const readAt = new Date().toISOString();
      const from = new Date(input.from);
      const end = Date.parse(input.to);
      // A reversed range goes through unchanged, for the broker to refuse as it refuses the replay.
      const to = new Date(end > from.getTime() ? end - 1 : end);
      const buckets = await ctx.broker.exchangeHistory(input.exchange, { from, to, bucket: '1d', groupByRoutingKey: input.routingKey !== undefined });
      const count = buckets.filter((b) => input.routingKey === undefined || b.routingKey === input.routingKey).reduce((n, b) => n + b.count, 0);
      return { count, readAt };
    }),

  /** Re-publishes stored messages of a time range into a queue (or through an exchange). */
  replay: procedure
    .meta({ audit: { action: 'exchange.replay', target: (i) => i.exchange, detail: (i, o) => ({ ...o, from: i.from, to: i.to, routingKey: i.routingKey, target: i.target }) } })
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
