import type { Db } from '../../db/driver';
import type { Logger } from '../broker/broker';
import { clashMessage, nodeClaim, NodeIdInUseError, type Clash } from './identity';
import { LeaderElection, leaderKeysHeld, nodeIdKey } from './leader';
import { nodeAlivePeers, nodeHeartbeat, nodeList, nodePrune, nodeRegister, nodeSetUrl, nodeStop } from './node-store';
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
  /**
   * Called by the leader with the ids of the nodes it forgot (dead for `keepDeadMs`): what they
   * left behind, such as their reply queues, can go. A failure is logged; the next prune does not repeat it.
   */
  onPruned?: (ids: string[]) => Promise<void>;
  /**
   * The reply queue a node id gives (the broker's `replyQueueName`): two live nodes must not
   * share one, so a node whose id gives a live node's queue refuses to start.
   */
  replyQueue?: (id: string) => string;
  /**
   * What this node saw lately (the broker's `liveFigures`), shared with each heartbeat; the
   * other live nodes' are `peerFigures()`. Not shared on the embedded database (one node).
   */
  liveFigures?: () => unknown;
}

export interface Cluster extends ClusterView {
  /**
   * Takes this node's id and starts heartbeating, before the node serves anything. Rejects with
   * NodeIdInUseError when a live node has the same id (or reply queue): a node heard from
   * recently but not since (killed) is watched until it heartbeats (refused) or its row counts
   * as dead (taken over). `url` may be provisional (start() sets the real one).
   */
  claim(url: string): Promise<void>;
  /** Claims the id if not done yet, records `url`, and runs a round, so quorum and role are known when it resolves. */
  start(url: string): Promise<void>;
  /** Marks this node stopped and gives up the leader role. */
  stop(): Promise<void>;
  /** One heartbeat round now (tests). */
  tick(): Promise<void>;
  /** True while another live process holds this node's id (it registered while this one was silent). */
  displaced(): boolean;
  /**
   * What the other live nodes shared at their last heartbeat (`liveFigures`), as of this node's
   * last round; none once that is older than a dead node's silence.
   */
  peerFigures(): readonly unknown[];
}

/**
 * The quorum of a node that counts itself out because another live process took its id (or a
 * clashing one) while it was silent. `alive` counts the live rows, the other process's
 * included, none of them this node's: the details say so, with the reason, rather than a count
 * that would read as quorum met.
 */
export function displacedQuorum(nodeId: string, displaced: { message: string; clash: Clash }, alive: number, required: number): Quorum {
  const { clash } = displaced;
  const reason = clash.kind === 'id' ? 'node_id_taken' : clash.kind === 'reply_queue' ? 'reply_queue_taken' : 'leader_key_taken';
  return {
    ok: false,
    alive,
    required,
    reason: displaced.message,
    details: { reason, nodeId, takenBy: { id: clash.node.id, url: clash.node.url }, alive, required, countsSelf: false },
  };
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
  /** The last count of alive nodes, what the others shared, and when it was read (performance.now()). */
  let count: { alive: number; peers: readonly unknown[]; at: number } = { alive: 0, peers: [], at: -Infinity };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let self = { ...o.node, url: '' };
  const replyQueue = o.replyQueue ?? ((id: string) => id);
  /** This process's registration (the row's started_at); undefined until claimed. */
  let token: string | undefined;
  let claiming: Promise<void> | undefined;
  /** Set while another live process holds this node's id (taken over while this one was silent). */
  let displaced: { message: string; clash: Clash } | undefined;

  const isLeader = () => (election ? election.isLeader() : !stopped);
  const claimOnce = () => nodeClaim(o.db, { self, deadAfterMs, replyQueue });

  /**
   * Registers unless a live node clashes. A clashing row that stays still may be a killed
   * process's: it is watched, and taken over once it counts as dead; one that moves (heartbeat
   * or new registration) is a live node, and this one is refused.
   */
  async function claimId(): Promise<string> {
    if (single) return nodeRegister(o.db, self); // one process per data directory (db/lock.ts): any row of this id is a dead one
    const first = new Map<string, string>();
    const deadline = performance.now() + 2 * deadAfterMs;
    for (let waited = false; ; waited = true) {
      if (stopped) throw new Error('stopped before this node was registered');
      const result = await claimOnce();
      if ('token' in result) return result.token;
      const moved = result.clashes.find((c) => first.has(c.node.id) && first.get(c.node.id) !== c.node.token + c.node.beat);
      if (moved || performance.now() > deadline) throw refusal(moved ?? result.clashes[0]!);
      for (const c of result.clashes) if (!first.has(c.node.id)) first.set(c.node.id, c.node.token + c.node.beat);
      if (!waited) {
        o.logger.info(
          { clashes: result.clashes.map((c) => ({ id: c.node.id, url: c.node.url, silentMs: Math.round(c.node.silentMs) })) },
          `${result.clashes[0]!.reason}, heard from ${(result.clashes[0]!.node.silentMs / 1000).toFixed(1)} s ago: waiting for its next heartbeat (refused) or for it to count as dead (taken over)`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(25, Math.min(500, heartbeatMs / 4))));
    }
  }

  const refusal = (c: Clash) => new NodeIdInUseError(clashMessage(c, deadAfterMs), c);

  async function heartbeat(): Promise<void> {
    const live = single ? undefined : o.liveFigures?.();
    const beat = token === undefined ? 'gone' : await nodeHeartbeat(o.db, { id: o.node.id, token, live });
    if (beat !== 'beat') {
      // Pruned while cut off, or taken by another process while this one was silent: registers
      // again only if no live node holds the id now.
      const result = await claimOnce();
      if ('token' in result) {
        token = result.token;
        if (displaced) o.logger.info({}, 'this node is registered again: the process that had taken its id is gone');
        displaced = undefined;
      } else if (!displaced) {
        const clash = result.clashes[0]!;
        displaced = { message: `${clash.reason} (${clash.node.url}) that registered while this one was silent: this node counts itself out`, clash };
        o.logger.error({ clash }, `${displaced.message}; stop one of them or give one another HATOBA_NODE_ID`);
      }
    }
    const seen = await nodeAlivePeers(o.db, { self: o.node.id, deadAfterMs });
    // The embedded database is one process: any other row counted alive is a process gone within the dead time.
    count = { alive: seen.alive, peers: single ? [] : seen.peers, at: performance.now() };
    if (isLeader()) {
      const gone = await nodePrune(o.db, { keepMs: keepDeadMs });
      if (gone.length > 0) await o.onPruned?.(gone).catch((err) => o.logger.warn({ err, nodes: gone }, 'could not clean up after forgotten nodes'));
    }
  }

  async function round(): Promise<void> {
    if (stopped) return; // a heartbeat now would bring the stopped row back to life
    await Promise.all([
      heartbeat().catch((err) => o.logger.warn({ err }, 'heartbeat failed')),
      election?.tick(),
    ]);
  }

  const tick = () => (running ??= round().finally(() => (running = undefined)));

  function claim(url: string): Promise<void> {
    return (claiming ??= (async () => {
      self = { ...o.node, url };
      token = await claimId();
      await tick();
      const loop = () => {
        timer = setTimeout(() => void tick().finally(() => !stopped && loop()), heartbeatMs);
        timer.unref?.();
      };
      loop();
    })());
  }

  return {
    nodeId: o.node.id,
    isLeader,
    tick,
    displaced: () => displaced !== undefined,
    peerFigures: () => (performance.now() - count.at > deadAfterMs ? [] : count.peers),

    claim,

    async start(url) {
      if (single && required > 1) {
        o.logger.warn({ minNodes: required }, 'HATOBA_MIN_NODES > 1 on the embedded database, which is one node: quorum is never reached');
      }
      await claim(url);
      if (url !== self.url) {
        self = { ...self, url };
        if (token) await nodeSetUrl(o.db, { id: o.node.id, token, url });
      }
      await tick();
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await claiming?.catch(() => {});
      clearTimeout(timer);
      await election?.stop();
      if (token) await nodeStop(o.db, { id: o.node.id, token }).catch((err) => o.logger.warn({ err }, 'could not mark this node stopped'));
    },

    quorum(): Quorum {
      if (displaced) return displacedQuorum(o.node.id, displaced, count.alive, required);
      if (required <= 1) return { ok: true, alive: Math.max(1, count.alive), required };
      const age = performance.now() - count.at;
      if (age > deadAfterMs) {
        const since = Number.isFinite(age) ? `for ${Math.round(age / 1000)} s` : 'yet';
        return {
          ok: false,
          alive: 0,
          required,
          reason: `membership unknown: no successful heartbeat ${since}`,
          details: { reason: 'membership_unknown', required, secondsSinceHeartbeat: Number.isFinite(age) ? Math.round(age / 1000) : null },
        };
      }
      if (count.alive < required) {
        return {
          ok: false,
          alive: count.alive,
          required,
          reason: `${count.alive} of the ${required} nodes required are alive`,
          details: { reason: 'below_quorum', alive: count.alive, required },
        };
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
        live: !r.alive ? undefined : r.id === o.node.id && !stopped && !displaced ? o.liveFigures?.() : r.live,
      }));
    },
  };
}
