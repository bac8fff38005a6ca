import type { QueueInfo } from './api';
import type { RateMeter } from './rates';
import type { Queue, QueueDepth } from './types';
import type { Waiters } from './waiters';

/** How long after its last receive a named consumer still counts as one of a queue's consumers. */
export const CONSUMER_WINDOW_MS = 30_000;

/**
 * The consumers each queue has seen lately, by name (`Hatoba-Consumer`, else one per open
 * connection): a worker that opens a connection per receive still counts once.
 */
export class ConsumersSeen {
  private readonly byQueue = new Map<string, Map<string, number>>();

  seen(queue: string, consumer: string, at = Date.now()): void {
    let seen = this.byQueue.get(queue);
    if (!seen) this.byQueue.set(queue, (seen = new Map()));
    seen.set(consumer, at);
  }

  /** A consumer that is gone (its connection closed) stops counting at once. */
  forget(consumer: string): void {
    for (const seen of this.byQueue.values()) seen.delete(consumer);
  }

  /** How many consumers received from `queue` within the window; older ones are dropped. */
  active(queue: string, now = Date.now()): number {
    const seen = this.byQueue.get(queue);
    const cutoff = now - CONSUMER_WINDOW_MS;
    let active = 0;
    for (const [who, at] of seen ?? []) if (at >= cutoff) active++;
      else seen!.delete(who);
    return active;
  }
}

/** A queue as the API lists it: its settings, its depth, and this node's live figures. */
export function queueInfo(
  q: Queue,
  d: QueueDepth | undefined,
  live: { consumers: ConsumersSeen; waiters: Pick<Waiters, 'count'>; rates: Pick<RateMeter, 'rate'> },
): QueueInfo {
  return {
    name: q.name,
    settings: q.settings,
    ready: d?.ready ?? 0,
    inFlight: d?.inFlight ?? 0,
    delayed: d?.delayed ?? 0,
    oldestReadyAgeMs: d?.oldestReadyAgeMs ?? null,
    // Long polls waiting now count too: a consumer that has not received yet is still one.
    consumers: Math.max(live.consumers.active(q.name), live.waiters.count(q.name)),
    publishRate: live.rates.rate(`q:${q.name}:in`),
    deliverRate: live.rates.rate(`q:${q.name}:out`),
    ackRate: live.rates.rate(`q:${q.name}:ack`),
  };
}
