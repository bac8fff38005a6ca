import type { Db } from '../../db/driver';
import { nodeIdKey } from './leader';
import { nodeListAlive, nodeRegister, type LiveNodeRow } from './node-store';

/**
 * A node's id must be its own among the living: two processes with one id overwrite each
 * other's row (url, leader badge), share one reply queue (each takes the other's replies), and
 * the first to stop deletes that queue under the other. Ids are also made into queue names, so
 * `web/1` and `web-1` share `amq.reply.web-1`; and the leader is shown by a hash of its id.
 */

/** Registrations take this transaction lock, so two nodes starting at once cannot both pass the check. */
export const REGISTER_LOCK: [number, number] = [0x48617412, 0];

export interface Clash {
  node: LiveNodeRow;
  kind: 'id' | 'reply_queue' | 'leader_key';
  reason: string;
}

export class NodeIdInUseError extends Error {
  override readonly name = 'NodeIdInUseError';
  constructor(
    message: string,
    readonly clash: Clash,
  ) {
    super(message);
  }
}

/** Why a node named `id` cannot run beside the live node `other`, if it cannot. */
export function clashWith(id: string, other: string, replyQueue: (id: string) => string): Omit<Clash, 'node'> | undefined {
  if (other === id) return { kind: 'id', reason: `node id '${id}' is in use by a live node` };
  const queue = replyQueue(id);
  if (replyQueue(other) === queue) {
    return {
      kind: 'reply_queue',
      reason: `node id '${id}' would share reply queue '${queue}' with live node '${other}' (ids become queue names with every character other than A-Z a-z 0-9 _ . : - made '-')`,
    };
  }
  if (nodeIdKey(other) === nodeIdKey(id)) {
    return { kind: 'leader_key', reason: `node id '${id}' has the same leader-lock key (a hash of the id) as live node '${other}'` };
  }
  return undefined;
}

/**
 * One attempt, under the registration lock: registers `self` unless a live node clashes with
 * it. Returns the registration's token, or the clashes (nothing written).
 */
export async function nodeClaim(
  db: Db,
  p: { self: { id: string; url: string; version: string }; deadAfterMs: number; replyQueue: (id: string) => string },
): Promise<{ token: string } | { clashes: Clash[] }> {
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1, $2)', REGISTER_LOCK);
    const clashes: Clash[] = [];
    for (const node of await nodeListAlive(q, { deadAfterMs: p.deadAfterMs })) {
      const clash = clashWith(p.self.id, node.id, p.replyQueue);
      if (clash) clashes.push({ node, ...clash });
    }
    if (clashes.length > 0) return { clashes };
    return { token: await nodeRegister(q, p.self) };
  });
}

/** What a node refused at start prints: what clashes, with whom, and what to do. */
export function clashMessage(c: Clash, deadAfterMs: number): string {
  const heard = `${c.node.url}, last heartbeat ${(c.node.silentMs / 1000).toFixed(1)} s ago`;
  const fix =
    c.kind === 'id'
      ? `Two processes must not share HATOBA_NODE_ID: give this node another id, or stop the other first (a node that was killed counts as dead ${deadAfterMs / 1000} s after its last heartbeat, and is then taken over).`
      : 'Give this node another HATOBA_NODE_ID.';
  return `This node cannot start: ${c.reason} (${heard}). ${fix}`;
}
