import { z } from 'zod';
import { nodeLoad } from '../broker/live-figures';
import type { ClusterView } from './types';

/** A node as GET /v1/nodes shows it (API.md). */
export const nodeSchema = z.object({
  id: z.string(),
  url: z.string(),
  role: z.enum(['leader', 'member']),
  status: z.enum(['alive', 'dead']),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
  /** A live node's publish, deliver and ack rates and its consumers, as of its last heartbeat; null for a dead one. */
  load: z.object({ publishRate: z.number(), deliverRate: z.number(), ackRate: z.number(), consumers: z.number().int() }).nullable(),
});
export type ListedNode = z.infer<typeof nodeSchema> & { version: string; self: boolean };

/**
 * Every node of the cluster from its membership table, for /v1/nodes and the dashboard's Nodes
 * page alike, in id order, with the node answering marked `self`.
 */
export async function clusterNodeList(cluster: ClusterView): Promise<ListedNode[]> {
  return (await cluster.nodes())
    .map(({ id, url, version, role, status, startedAt, lastHeartbeatAt, live }) => ({
      id,
      url,
      version,
      role,
      status,
      startedAt,
      lastHeartbeatAt,
      load: status === 'alive' ? nodeLoad(live) : null,
      self: id === cluster.nodeId,
    }));
}
