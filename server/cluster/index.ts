export { createCluster, type Cluster, type ClusterOptions } from './cluster';
export { NodeIdInUseError } from './identity';
export { LEADER_ID_CLASS, LEADER_LOCK, nodeIdKey } from './leader';
export type { ClusterView, NodeView, Quorum, QuorumLostDetails } from './types';
