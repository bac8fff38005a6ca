import { z } from 'zod';
import { clusterNodeList, nodeSchema as clusterNodeSchema } from '../../cluster/listing';
import { procedure, router } from '../init';

const nodeSchema = clusterNodeSchema.extend({
  version: z.string(),
  database: z.enum(['pglite', 'postgres']),
  /** The node serving this request (and so this page). */
  self: z.boolean(),
});

export const systemRouter = router({
  info: procedure
    .input(z.void())
    .output(z.object({ node: z.string(), version: z.string(), database: z.enum(['pglite', 'postgres']) }))
    .query(({ ctx }) => ({ node: ctx.runtime.node, version: ctx.runtime.version, database: ctx.runtime.database })),

  /**
   * Every node of the cluster, from its membership (the same list as GET /v1/nodes). A process
   * without cluster membership (tests, tools) lists itself alone.
   */
  nodes: procedure
    .input(z.void())
    .output(z.array(nodeSchema))
    .query(async ({ ctx }) => {
      const { runtime } = ctx;
      if (!runtime.cluster) {
        const now = new Date().toISOString();
        return [
          { id: runtime.node, url: '', version: runtime.version, database: runtime.database, role: 'leader' as const, status: 'alive' as const, startedAt: now, lastHeartbeatAt: now, load: null, self: true },
        ];
      }
      return (await clusterNodeList(runtime.cluster)).map((n) => ({ ...n, database: runtime.database }));
    }),
});
