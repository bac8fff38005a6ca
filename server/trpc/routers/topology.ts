import { z } from 'zod';
import { procedure, router } from '../init';
import { bindingSchema, exchangeInfoSchema, queueInfoSchema } from '../schemas';

export const topologyRouter = router({
  /** Everything the graph needs in one round trip: exchanges, queues with live depth, bindings. */
  graph: procedure
    .input(z.void())
    .output(z.object({ exchanges: z.array(exchangeInfoSchema), queues: z.array(queueInfoSchema), bindings: z.array(bindingSchema) }))
    .query(async ({ ctx }) => {
      const [exchanges, queues] = await Promise.all([ctx.broker.listExchanges(), ctx.broker.listQueues()]);
      return { exchanges, queues, bindings: ctx.broker.exportDefinitions().bindings };
    }),
});
