import { createGroupCommit, type GroupCommit } from './group-commit';
import type { Delivery, Queue } from './types';

export interface ClaimRequest {
  queue: Queue;
  max: number;
  visibilityMs: number;
  /** A receive that has gone away (client closed, broker stopping) is skipped, not leased for. */
  signal?: AbortSignal;
}

export interface ClaimResult {
  deliveries: Delivery[];
  /** Set when this receive got nothing: ms until the queue's next entry becomes visible (null: none). */
  nextVisibleMs?: number | null;
}

export interface ClaimStatements {
  /** Leases one entry per slot, in queue order; slot i for visibilityMs[i] ms. */
  claim(queue: Queue, visibilityMs: number[]): Promise<Delivery[]>;
  nextVisibleMs(queue: string): Promise<number | null>;
}

/** At most this many receives share one statement; more wait for the next one. */
const MAX_RECEIVES_PER_CLAIM = 16;
/** Claims for one queue in flight at once from this node. */
const CLAIMS_IN_FLIGHT = 2;

/**
 * Combines the claims of concurrent receives on one queue, the way group-commit.ts combines
 * publishes: a publish wakes every long poll waiting on its queue, and instead of each one
 * sending its own claim (racing the others over the same head rows with SKIP LOCKED), those
 * that arrive together go in one statement. The rows come back in queue order and are handed
 * out in arrival order, each receive taking up to its `max`. Receives left with nothing share
 * one look at when the queue's next entry becomes visible.
 */
export function createClaimCombiner(db: ClaimStatements) {
  const byQueue = new Map<string, GroupCommit<ClaimRequest, ClaimResult>>();

  const flush = async (requests: ClaimRequest[]): Promise<ClaimResult[]> => {
    const live = requests.map((r) => !r.signal?.aborted);
    const slots = requests.flatMap((r, i) => (live[i] ? new Array<number>(r.max).fill(r.visibilityMs) : []));
    // The newest settings: the queue may have been redeclared while these waited.
    const queue = requests[requests.length - 1]!.queue;
    const rows = await db.claim(queue, slots);
    let taken = 0;
    const results = requests.map((r, i): ClaimResult => {
      if (!live[i]) return { deliveries: [] };
      const deliveries = rows.slice(taken, taken + r.max);
      taken += deliveries.length;
      return { deliveries };
    });
    const empty = results.filter((r, i) => live[i] && r.deliveries.length === 0);
    if (empty.length > 0) {
      const next = await db.nextVisibleMs(queue.name);
      for (const r of empty) r.nextVisibleMs = next;
    }
    return results;
  };

  return {
    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const name = request.queue.name;
      let group = byQueue.get(name);
      if (!group) byQueue.set(name, (group = createGroupCommit(flush, { maxBatch: MAX_RECEIVES_PER_CLAIM, concurrency: CLAIMS_IN_FLIGHT })));
      try {
        return await group.submit(request);
      } finally {
        if (group.idle() && byQueue.get(name) === group) byQueue.delete(name);
      }
    },
  };
}

export type ClaimCombiner = ReturnType<typeof createClaimCombiner>;
