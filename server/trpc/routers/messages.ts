import { z } from 'zod';
import { procedure, router } from '../init';
import { deathSchema, entryStateSchema, inputRecord, messageViewSchema } from '../schemas';
import { deathView, messageView } from '../views';

const foundSchema = messageViewSchema.extend({ routedTo: z.array(z.string()), seq: z.number() });

export const messagesRouter = router({
  /** Newest first; every field narrows; `headers` all must match (names lowercased, as stored). */
  search: procedure
    .input(
      z.object({
        id: z.uuid().optional(),
        correlationId: z.string().min(1).max(255).optional(),
        exchange: z.string().min(1).max(200).optional(),
        routingKey: z.string().min(1).max(255).optional(),
        queue: z.string().min(1).max(200).optional(),
        headers: inputRecord(z.string().min(1), z.string()).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        limit: z.number().int().min(1).max(200).default(50),
        cursor: z.uuid().optional(),
      }),
    )
    .output(z.object({ messages: z.array(foundSchema), nextCursor: z.string().nullable() }))
    .query(async ({ ctx, input }) => {
      const found = await ctx.broker.searchMessages({
        ...input,
        headers: input.headers && Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])),
        from: input.from ? new Date(input.from) : undefined,
        to: input.to ? new Date(input.to) : undefined,
      });
      return { messages: found.messages.map((m) => ({ ...messageView(m, 2048), routedTo: m.routedTo, seq: m.seq })), nextCursor: found.nextCursor };
    }),

  get: procedure
    .input(z.object({ id: z.uuid() }))
    .output(
      messageViewSchema.extend({
        routedTo: z.array(z.string()),
        entries: z.array(z.object({ queue: z.string(), state: entryStateSchema, attempt: z.number(), death: deathSchema.nullable() })),
      }),
    )
    .query(async ({ ctx, input }) => {
      const m = await ctx.broker.getMessage(input.id);
      return { ...messageView(m), routedTo: m.routedTo, entries: m.entries.map((e) => ({ ...e, death: deathView(e.death) })) };
    }),
});
