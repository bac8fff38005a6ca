import { z } from 'zod';
import { traceEventSchema } from '../../fact-schemas';
import { procedure, router } from '../init';
import { messageViewSchema } from '../schemas';
import { iso, messageView } from '../views';

export type TraceEventView = z.infer<typeof traceEventSchema>;

const traceMessageSchema = messageViewSchema.extend({ routedTo: z.array(z.string()), replayOf: z.string().nullable() });

export const tracesRouter = router({
  get: procedure
    .input(z.object({ correlationId: z.string().min(1).max(255) }))
    .output(z.object({ correlationId: z.string(), messages: z.array(traceMessageSchema), events: z.array(traceEventSchema) }))
    .query(async ({ ctx, input }) => {
      const trace = await ctx.broker.trace(input.correlationId);
      return {
        correlationId: input.correlationId,
        messages: trace.messages.map((m) => ({ ...messageView(m, 4096), routedTo: m.routedTo, replayOf: m.replayOf })),
        events: trace.events.map((e) => ({ ...e, at: iso(e.at) })),
      };
    }),

  /** The correlation IDs of the newest messages, for the trace index page. */
  recent: procedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(z.object({ correlationId: z.string(), lastAt: z.string(), messages: z.number(), exchange: z.string(), routingKey: z.string() })))
    .query(async ({ ctx, input }) => {
      const { messages } = await ctx.broker.searchMessages({ limit: input.limit * 4 });
      const byId = new Map<string, { correlationId: string; lastAt: string; messages: number; exchange: string; routingKey: string }>();
      for (const m of messages) {
        const seen = byId.get(m.correlationId);
        if (seen) seen.messages++;
        else byId.set(m.correlationId, { correlationId: m.correlationId, lastAt: iso(m.publishedAt), messages: 1, exchange: m.exchange, routingKey: m.routingKey });
      }
      return [...byId.values()].slice(0, input.limit);
    }),
});
