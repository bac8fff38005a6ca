/** What the rest of the process sees of the cluster: membership, the leader, and quorum. */

export type NodeRole = 'leader' | 'member';
export type NodeStatus = 'alive' | 'dead';

export interface NodeView {
  id: string;
  url: string;
  version: string;
  role: NodeRole;
  status: NodeStatus;
  startedAt: string;
  lastHeartbeatAt: string;
}

export interface Quorum {
  ok: boolean;
  /** Nodes alive at the last count (this node included). */
  alive: number;
  required: number;
  /** Why quorum is lost, for /readyz and the 503 answer. */
  reason?: string;
}

export interface ClusterView {
  readonly nodeId: string;
  isLeader(): boolean;
  quorum(): Quorum;
  nodes(): Promise<NodeView[]>;
}
