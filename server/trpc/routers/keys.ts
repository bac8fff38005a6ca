import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { keyNamed } from '../../auth/key-named';
import { KeyNameTaken, keyCreateSchema } from '../../auth/keys';
import { apiKeySchema } from '../../fact-schemas';
import { adminProcedure, router, type TrpcContext } from '../init';

function keysOf(ctx: TrpcContext) {
  if (!ctx.security) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'API keys are not available in this process' });
  return ctx.security.keys;
}

/** API keys, as `/v1/keys` serves them (admin only); creating and revoking are audited like theirs. */
export const keysRouter = router({
  /**
   * Whether keys are checked at all: with auth off (loopback, neither HATOBA_ADMIN_TOKEN nor
   * HATOBA_ADMIN_PASSWORD set) every request is let in, so keys are stored but not enforced.
   */
  enforced: adminProcedure
    .input(z.void())
    .output(z.object({ enforced: z.boolean() }))
    .query(({ ctx }) => ({ enforced: ctx.security?.enabled ?? false })),

  list: adminProcedure
    .input(z.void())
    .output(z.array(apiKeySchema))
    .query(({ ctx }) => keysOf(ctx).list()),

  /** The answer holds the key itself: the only time anyone sees it (only its SHA-256 is stored). */
  create: adminProcedure
    .meta({ audit: { action: 'key.create', target: (_i, o) => o.id, detail: (_i, o) => ({ name: o.name, scopes: o.scopes }) } })
    .input(keyCreateSchema)
    .output(apiKeySchema.extend({ key: z.string() }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await keysOf(ctx).create({ name: input.name, scopes: [...new Set(input.scopes)], createdBy: ctx.actor });
      } catch (e) {
        if (e instanceof KeyNameTaken) throw new TRPCError({ code: 'CONFLICT', message: e.message, cause: e });
        throw e;
      }
    }),

  /** Refused at once, on every node. */
  revoke: adminProcedure
    .meta({ audit: { action: 'key.revoke', target: (i) => i.id, detail: (_i, o) => o.key } })
    .input(z.object({ id: z.string().min(1).max(100) }))
    .output(z.object({ revoked: z.literal(true), key: z.object({ name: z.string(), prefix: z.string() }).nullable() }))
    .mutation(async ({ ctx, input }) => {
      if (!(await keysOf(ctx).revoke(input.id))) throw new TRPCError({ code: 'NOT_FOUND', message: `No active API key '${input.id}'` });
      return { revoked: true as const, key: await keyNamed(keysOf(ctx), input.id) };
    }),
});
