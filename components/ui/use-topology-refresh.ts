'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc/client';

/**
 * After a declare, delete, bind or unbind: the lists, counts and graph that show topology are
 * read again at once rather than at their next poll. `queues.get` of a deleted queue is left
 * out with `allQueues: false` (only the list is read again): its page is being left, and a refetch would only flash "not found".
 */
export function useTopologyRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return ({ allQueues = true }: { allQueues?: boolean } = {}) =>
    Promise.all([
      queryClient.invalidateQueries(allQueues ? trpc.queues.pathFilter() : { queryKey: trpc.queues.list.queryKey() }),
      queryClient.invalidateQueries(trpc.exchanges.pathFilter()),
      queryClient.invalidateQueries(trpc.topology.pathFilter()),
    ]);
}
