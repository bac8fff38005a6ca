/** A consumer as the queue page lists it. */
export interface ConsumerRow {
  name: string;
  deliverRate: number;
}

/** A consumer counts as slow when it takes less than this share of what the fastest one takes. */
export const SLOW_SHARE = 0.25;

/**
 * The consumers that fall behind the others of the same queue: competing consumers share a
 * queue's messages by how fast each comes back for more, so one taking a small share of what the
 * fastest takes is the slow consumer (a stuck worker, a slow dependency). Needs two consumers and
 * a fastest one that took something.
 */
export function slowConsumers(list: readonly ConsumerRow[]): Set<string> {
  const fastest = Math.max(0, ...list.map((c) => c.deliverRate));
  if (list.length < 2 || fastest <= 0) return new Set();
  return new Set(list.filter((c) => c.deliverRate < fastest * SLOW_SHARE).map((c) => c.name));
}
