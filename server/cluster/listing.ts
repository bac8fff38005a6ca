import { z } from 'zod';
import type { ClusterView } from './types';

/** A node as GET /v1/nodes shows it (API.md). */
export const nodeSchema = z.object({
  id: z.string(),
  url: z.string(),
  role: z.enum(['leader', 'member']),
  status: z.enum(['alive', 'dead']),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
});
export type ListedNode = z.infer<typeof nodeSchema> & { version: string; self: boolean };

/**
 * Every node of the cluster from its membership table, for /v1/nodes and the dashboard's Nodes
 * page alike, in id order, with the node answering marked `self`.
 */
export async function clusterNodeList(cluster: ClusterView): Promise<ListedNode[]> {
  return (await cluster.nodes())
    .map(({ id, url, version, role, status, startedAt, lastHeartbeatAt }) => ({
      id,
      url,
      version,
      role,
      status,
      startedAt,
      lastHeartbeatAt,
      self: id === cluster.nodeId,
    }));
}
