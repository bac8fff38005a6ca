import type { QueueInfoView } from '@/server/trpc/schemas';
import { DLQ_TREND_POLLS, pushTrend } from './queue-signals';

/** The server's stored depth samples of the last half minute (`queues.recentDepths`), oldest first. */
export type RecentDepths = { queue: string; depths: number[] }[];

/**
 * Each queue's depth at the page's polls, oldest first, for "growing" and "dead letters rising".
 * It starts from the server's stored samples of the last half minute once they arrive, so both
 * can be said on a page's first look rather than after several polls: a queue's trend gets them
 * once, before its first polled depth, whichever of the two arrived first. Kept in a ref and fed
 * during render; the same poll (or seed) given again is ignored.
 */
export class DepthTrends {
  private trends = new Map<string, number[]>();
  private stored: Map<string, number[]> | null = null;
  private lastPoll: unknown = null;

  constructor(private readonly keep = DLQ_TREND_POLLS + 1) {}

  /** The stored samples: only the first call counts. */
  seed(recent: RecentDepths | undefined): void {
    if (!recent || this.stored) return;
    this.stored = new Map(recent.map((r) => [r.queue, r.depths]));
    for (const [name, polled] of this.trends) this.trends.set(name, this.withStored(name, polled));
  }

  /** One poll's queues. */
  push(queues: QueueInfoView[] | undefined): void {
    if (!queues || queues === this.lastPoll) return;
    this.lastPoll = queues;
    for (const q of queues) if (!this.trends.has(q.name)) this.trends.set(q.name, this.withStored(q.name, []));
    this.trends = pushTrend(this.trends, queues, this.keep);
  }

  /** A queue's depths before its latest poll, oldest first: what the signals compare its depth with. */
  before(name: string): number[] | undefined {
    return this.trends.get(name)?.slice(0, -1);
  }

  /** Every queue's `before`. */
  allBefore(): Map<string, number[]> {
    return new Map([...this.trends].map(([name, t]) => [name, t.slice(0, -1)]));
  }

  private withStored(name: string, polled: number[]): number[] {
    return [...(this.stored?.get(name) ?? []), ...polled].slice(-this.keep);
  }
}
