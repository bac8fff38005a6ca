import { z } from 'zod';
import { procedure, router } from '../init';

const nodeSchema = z.object({
  id: z.string(),
  version: z.string(),
  database: z.enum(['pglite', 'postgres']),
  role: z.enum(['leader', 'member']),
  status: z.enum(['alive', 'dead']),
  self: z.boolean(),
});

export const systemRouter = router({
  info: procedure
    .input(z.void())
    .output(z.object({ node: z.string(), version: z.string(), database: z.enum(['pglite', 'postgres']) }))
    .query(({ ctx }) => ({ node: ctx.runtime.node, version: ctx.runtime.version, database: ctx.runtime.database })),

  /** One node for now: the process serving this request. The cluster work extends this list. */
  nodes: procedure
    .input(z.void())
    .output(z.array(nodeSchema))
    .query(({ ctx }) => [
      { id: ctx.runtime.node, version: ctx.runtime.version, database: ctx.runtime.database, role: 'leader' as const, status: 'alive' as const, self: true },
    ]),
});
