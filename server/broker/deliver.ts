import type { ClaimCombiner, ClaimResult } from './claim-combiner';
import { BrokerError } from './errors';
import type { Handoff } from './handoff';
import type { MemoryStore } from './memory/memory-store';
import type { Delivery, Queue, ReceiveOptions } from './types';
import type { Waiters } from './waiters';

export const MAX_RECEIVE = 1000;
export const MAX_WAIT_MS = 30_000;

export interface DeliverDeps {
  /** Claims from the database, combined with the other receives of this node on the same queue. */
  claims: ClaimCombiner;
  memory: MemoryStore;
  waiters: Waiters;
  /** Aborted when the broker stops: pending long polls answer empty at once. */
  stopping: AbortSignal;
  /** A long poll re-checks at least this often, in case a wake-up from another node was missed. */
  recheckMs: number;
  /** Waiting long polls on database queues are offered the entries of this node's next publish. */
  handoff?: Handoff;
  /** Gives back database leases a receive got after its asker went away (no attempt counted). */
  release?: (queue: Queue, deliveries: Delivery[]) => Promise<void>;
}

export function checkReceiveOptions(o: ReceiveOptions, queue: Queue): { max: number; waitMs: number; visibilityMs: number } {
  const bad = (field: string, range: string) =>
    new BrokerError('validation_failed', `${field} must be a whole number from ${range}`, { field });
  if (!Number.isInteger(o.max) || o.max < 1 || o.max > MAX_RECEIVE) throw bad('max', `1 to ${MAX_RECEIVE}`);
  if (!Number.isInteger(o.waitMs) || o.waitMs < 0 || o.waitMs > MAX_WAIT_MS) throw bad('waitMs', `0 to ${MAX_WAIT_MS}`);
  const visibilityMs = o.visibilityMs ?? queue.settings.visibilityTimeoutMs;
  if (!Number.isInteger(visibilityMs) || visibilityMs < 100 || visibilityMs > 12 * 3600_000) {
    throw bad('visibilityMs', '100 to 43200000');
  }
  return { max: o.max, waitMs: o.waitMs, visibilityMs };
}

/**
 * Receive: lease up to `max` ready entries; with nothing ready and `waitMs` > 0, wait for a
 * wake-up (a publish, a retry coming due) and try again until the deadline.
 */
export async function receive(deps: DeliverDeps, queue: () => Queue, options: ReceiveOptions): Promise<Delivery[]> {
  const first = queue();
  const { max, waitMs, visibilityMs } = checkReceiveOptions(options, first);
  const deadline = Date.now() + waitMs;
  const signal = options.signal ? AbortSignal.any([deps.stopping, options.signal]) : deps.stopping;
  const claimOnce = async (q: Queue): Promise<ClaimResult> => {
    if (q.settings.durability !== 'memory') {
      // A lease needs no fsync: lost in a crash, the entry is simply ready again (at-least-once holds).
      // Replicated queues too: a lease lost in a failover (committed on the primary, not yet on
      // the standby) leaves the entry ready on the promoted standby, so it is delivered again.
      // The ack of that lease is then stale, never a false success: an answered ack committed
      // remote_apply, which waits for all WAL before it, this lease included. The cost is one
      // more delivery, whose attempt count may repeat (the increment was lost with the lease).
      return deps.claims.claim({ queue: q, max, visibilityMs, signal });
    }
    const deliveries = deps.memory.claim(q, max, visibilityMs);
    return deliveries.length > 0 ? { deliveries } : { deliveries, nextVisibleMs: deps.memory.nextVisibleMs(q.name) };
  };
  // Leases that arrive after the asker went away (its claim or handoff was in flight) go back
  // at once, instead of waiting out the visibility timeout with an attempt spent.
  const answer = async (q: Queue, deliveries: Delivery[]): Promise<Delivery[]> => {
    if (deliveries.length === 0 || !options.signal?.aborted || !deps.release || q.settings.durability === 'memory') return deliveries;
    await deps.release(q, deliveries);
    return [];
  };
  for (;;) {
    if (signal.aborted) return [];
    const q = queue(); // re-read: the queue may have been deleted while we waited
    const stamp = deps.waiters.stamp(q.name); // a publish that lands while we look below still wakes us
    const { deliveries, nextVisibleMs: next } = await claimOnce(q);
    const remaining = deadline - Date.now();
    if (deliveries.length > 0 || remaining <= 0 || signal.aborted) return answer(q, deliveries);
    const waitMs = Math.min(remaining, next ?? deps.recheckMs, deps.recheckMs);
    if (!deps.handoff || q.settings.durability === 'memory') {
      await deps.waiters.wait(q.name, waitMs, signal, stamp);
      continue;
    }
    // Waiting with a ticket: a publish flush on this node may lease its entries to this poll.
    const ticket = deps.handoff.offer(q.name, max, visibilityMs);
    await deps.waiters.wait(q.name, waitMs, signal, stamp, (wake) => (ticket.wake = wake));
    // A ticket a flush took is answered once that flush commits, even if the asker has gone by
    // then: its leases exist, and answer() gives them back.
    const handed = await deps.handoff.settle(ticket);
    if (handed.length > 0) return answer(q, handed);
  }
}
