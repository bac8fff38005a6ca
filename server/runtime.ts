import type { Broker } from './broker/api';
import type { ClusterView } from './cluster/types';
import type { PushEndpoint } from './webhooks/push-store';
import type { Sources } from './webhooks/sources';

/**
 * How Next.js pages, which Next bundles separately, reach the broker of this process: the
 * composition root (server/main.ts) registers it here before serving. Only the app layer reads
 * it; the broker itself never relies on module state.
 */
export interface HatobaRuntime {
  version: string;
  node: string;
  database: 'pglite' | 'postgres';
  broker: Broker;
  /** Membership, leader and quorum (server/cluster), for the nodes page. */
  cluster?: ClusterView;
  /** A queue's push endpoint, if it has one, and whether this node runs its delivery loop. */
  push?: PushView;
  /** Inbound webhook sources and what this node accepted and refused of each, for the webhooks page. */
  sources?: Pick<Sources, 'list' | 'view'>;
}

export interface PushView {
  find(queue: string): Promise<PushEndpoint | null>;
  /** Every stored endpoint, ordered by queue. */
  list(): Promise<PushEndpoint[]>;
  running(queue: string): boolean;
}

const KEY = Symbol.for('hatoba.runtime');

export function setRuntime(runtime: HatobaRuntime | undefined): void {
  (globalThis as Record<symbol, unknown>)[KEY] = runtime;
}

export function getRuntime(): HatobaRuntime | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as HatobaRuntime | undefined;
}
