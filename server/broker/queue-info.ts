import type { QueueInfo } from './api';
import type { QueueLive } from './live-figures';
import type { Queue, QueueDepth } from './types';

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

  /** The consumers that received from `queue` within the window; older ones are dropped. */
  activeKeys(queue: string, now = Date.now()): string[] {
    const seen = this.byQueue.get(queue);
    if (!seen) return [];
    const cutoff = now - CONSUMER_WINDOW_MS;
    const active: string[] = [];
    for (const [who, at] of seen) if (at >= cutoff) active.push(who);
      else seen.delete(who);
    if (seen.size === 0) this.byQueue.delete(queue);
    return active;
  }

  /** The queues with a consumer seen within the window (or not yet looked at since). */
  queues(): string[] {
    return [...this.byQueue.keys()];
  }
}

/** A queue as the API lists it: its settings, its depth, and the cluster's live figures (live-figures.ts). */
export function queueInfo(q: Queue, d: QueueDepth | undefined, live: QueueLive): QueueInfo {
  return {
    name: q.name,
    settings: q.settings,
    ready: d?.ready ?? 0,
    inFlight: d?.inFlight ?? 0,
    delayed: d?.delayed ?? 0,
    oldestReadyAgeMs: d?.oldestReadyAgeMs ?? null,
    ...live,
  };
}
