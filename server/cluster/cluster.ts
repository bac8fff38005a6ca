import type { Db } from '../../db/driver';
import type { Logger } from '../broker/broker';
import { LeaderElection, leaderKeysHeld, nodeIdKey } from './leader';
import { nodeAliveCount, nodeHeartbeat, nodeList, nodePrune, nodeRegister, nodeStop } from './node-store';
import type { ClusterView, NodeView, Quorum } from './types';

export interface ClusterOptions {
  db: Db;
  logger: Logger;
  node: { id: string; version: string };
  /** Fewer nodes alive than this: not ready, publishes refused (default 1). */
  minNodes?: number;
  heartbeatMs?: number;
  /** A node not heard from for this long is dead. */
  deadAfterMs?: number;
  /** Dead nodes stay listed this long, then the leader forgets them. */
  keepDeadMs?: number;
}

export interface Cluster extends ClusterView {
  /** Registers this node (reachable at `url`) and runs the first round, so quorum and role are known when it resolves. */
  start(url: string): Promise<void>;
  /** Marks this node stopped and gives up the leader role. */
  stop(): Promise<void>;
  /** One heartbeat round now (tests). */
  tick(): Promise<void>;
}

/**
 * Membership, leader and quorum. Every node heartbeats into `nodes` (database clock); the
 * leader is elected by an advisory lock on a dedicated session. PGlite is one process, so one
 * node: it leads, and its quorum is itself.
 */
export function createCluster(o: ClusterOptions): Cluster {
  const heartbeatMs = o.heartbeatMs ?? 2000;
  const deadAfterMs = o.deadAfterMs ?? 10_000;
  const keepDeadMs = o.keepDeadMs ?? 3_600_000;
  const required = o.minNodes ?? 1;
  const single = !o.db.session;
  const election = single
    ? undefined
    : new LeaderElection({ db: o.db, nodeId: o.node.id, logger: o.logger, checkMs: heartbeatMs, leaseMs: deadAfterMs / 2 });
  /** The last count of alive nodes and when it was taken (performance.now()). */
  let count = { alive: 0, at: -Infinity };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let self = { ...o.node, url: '' };

  const isLeader = () => (election ? election.isLeader() : !stopped);

  async function heartbeat(): Promise<void> {
    if (!(await nodeHeartbeat(o.db, { id: o.node.id }))) await nodeRegister(o.db, self);
    count = { alive: await nodeAliveCount(o.db, { deadAfterMs }), at: performance.now() };
    if (isLeader()) await nodePrune(o.db, { keepMs: keepDeadMs });
  }

  async function round(): Promise<void> {
    if (stopped) return; // a heartbeat now would bring the stopped row back to life
    await Promise.all([
      heartbeat().catch((err) => o.logger.warn({ err }, 'heartbeat failed')),
      election?.tick(),
    ]);
  }

  const tick = () => (running ??= round().finally(() => (running = undefined)));

  return {
    nodeId: o.node.id,
    isLeader,
    tick,

    async start(url) {
      self = { ...o.node, url };
      if (single && required > 1) {
        o.logger.warn({ minNodes: required }, 'HATOBA_MIN_NODES > 1 on the embedded database, which is one node: quorum is never reached');
      }
      await nodeRegister(o.db, self);
      await tick();
      const loop = () => {
        timer = setTimeout(() => void tick().finally(() => !stopped && loop()), heartbeatMs);
        timer.unref?.();
      };
      loop();
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await election?.stop();
      await nodeStop(o.db, { id: o.node.id }).catch((err) => o.logger.warn({ err }, 'could not mark this node stopped'));
    },

    quorum(): Quorum {
      if (required <= 1) return { ok: true, alive: Math.max(1, count.alive), required };
      const age = performance.now() - count.at;
      if (age > deadAfterMs) {
        const since = Number.isFinite(age) ? `for ${Math.round(age / 1000)} s` : 'yet';
        return { ok: false, alive: 0, required, reason: `membership unknown: no successful heartbeat ${since}` };
      }
      if (count.alive < required) {
        return { ok: false, alive: count.alive, required, reason: `${count.alive} of the ${required} nodes required are alive` };
      }
      return { ok: true, alive: count.alive, required };
    },

    async nodes(): Promise<NodeView[]> {
      const rows = await nodeList(o.db, { deadAfterMs, keepMs: keepDeadMs });
      const leaders = single ? new Set<number>() : new Set(await leaderKeysHeld(o.db));
      return rows.map((r) => ({
        id: r.id,
        url: r.url,
        version: r.version,
        role: (single ? r.id === o.node.id && !stopped : leaders.has(nodeIdKey(r.id))) ? 'leader' : 'member',
        status: r.alive ? 'alive' : 'dead',
        startedAt: r.startedAt.toISOString(),
        lastHeartbeatAt: r.lastHeartbeatAt.toISOString(),
      }));
    },
  };
}
