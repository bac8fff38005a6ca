import { RateMeter } from './rates';

/** How long after its last receive a named consumer still counts as one of a queue's consumers. */
export const CONSUMER_WINDOW_MS = 30_000;

/** A consumer of one queue as this node saw it. */
export interface ConsumerSeen {
  name: string;
  /** Its last receive (epoch ms). */
  lastSeenAt: number;
  /** Messages delivered to it per second, over the last minute (not rounded). */
  deliverRate: number;
}

/**
 * The consumers each queue has seen lately, by name (`Hatoba-Consumer`, else one per open
 * connection): a worker that opens a connection per receive still counts once. Each one's
 * deliveries are counted too, so a slow consumer among fast ones shows.
 */
export class ConsumersSeen {
  private readonly byQueue = new Map<string, Map<string, number>>();
  private readonly delivered: RateMeter;

  constructor(private readonly now: () => number = Date.now) {
    this.delivered = new RateMeter(60, now);
  }

  seen(queue: string, consumer: string, at = this.now()): void {
    let seen = this.byQueue.get(queue);
    if (!seen) this.byQueue.set(queue, (seen = new Map()));
    seen.set(consumer, at);
  }

  deliveredTo(queue: string, consumer: string, n: number): void {
    this.delivered.add(rateName(queue, consumer), n);
  }

  /** A consumer that is gone (its connection closed) stops counting at once. */
  forget(consumer: string): void {
    for (const [queue, seen] of this.byQueue) {
      if (seen.delete(consumer)) this.delivered.delete(rateName(queue, consumer));
    }
  }

  /** The consumers that received from `queue` within the window, by name; older ones are dropped. */
  active(queue: string, now = this.now()): ConsumerSeen[] {
    const seen = this.byQueue.get(queue);
    if (!seen) return [];
    const cutoff = now - CONSUMER_WINDOW_MS;
    const active: ConsumerSeen[] = [];
    for (const [name, at] of seen) {
      if (at >= cutoff) active.push({ name, lastSeenAt: at, deliverRate: this.delivered.perSecond(rateName(queue, name)) });
      else {
        seen.delete(name);
        this.delivered.delete(rateName(queue, name));
      }
    }
    if (seen.size === 0) this.byQueue.delete(queue);
    return active.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The queues with a consumer seen within the window (or not yet looked at since). */
  queues(): string[] {
    return [...this.byQueue.keys()];
  }
}

const rateName = (queue: string, consumer: string) => `${queue}\n${consumer}`;
