import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, router } from '../init';

const entrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});

/** The audit log, as `GET /v1/audit` serves it (admin only): newest first, filtered, a page at a time. */
export const auditRouter = router({
  list: adminProcedure
    .input(
      z.object({
        actor: z.string().trim().max(300).optional(),
        action: z.string().trim().max(100).optional(),
        /** The id of the last entry of the previous page. */
        cursor: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    )
    .output(z.object({ entries: z.array(entrySchema), nextCursor: z.number().nullable() }))
    .query(async ({ ctx, input }) => {
      if (!ctx.security) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The audit log is not available in this process' });
      const page = await ctx.security.audit.read({
        actor: input.actor || undefined,
        action: input.action || undefined,
        cursor: input.cursor,
        limit: input.limit,
      });
      return { entries: page.entries, nextCursor: page.nextCursor === null ? null : Number(page.nextCursor) };
    }),
});
