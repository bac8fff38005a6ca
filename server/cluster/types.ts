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
  /** What a live node shared at its last heartbeat (this node's: now); undefined for a dead one. */
  live?: unknown;
}

export interface Quorum {
  ok: boolean;
  /** Nodes alive at the last count (this node included). */
  alive: number;
  required: number;
  /** Why quorum is lost, for /readyz and the 503 answer. */
  reason?: string;
  /**
   * When not ok: the 503 quorum_lost answer's details, saying what `reason` says (a node counted
   * out because another process took its id is not a count below `required`).
   */
  details?: QuorumLostDetails;
}

export type QuorumLostDetails =
  /** Fewer nodes alive than required. */
  | { reason: 'below_quorum'; alive: number; required: number }
  /** This node's own heartbeats have failed: it does not know who is alive. */
  | { reason: 'membership_unknown'; required: number; secondsSinceHeartbeat: number | null }
  /**
   * Another live process registered with this node's id (or one that clashes with it) while
   * this one was silent: this node counts itself out, whatever the others' count.
   * `alive` counts the other live nodes (that process included), not this one.
   */
  | { reason: 'node_id_taken' | 'reply_queue_taken' | 'leader_key_taken'; nodeId: string; takenBy: { id: string; url: string }; alive: number; required: number; countsSelf: false };

export interface ClusterView {
  readonly nodeId: string;
  isLeader(): boolean;
  quorum(): Quorum;
  nodes(): Promise<NodeView[]>;
}
