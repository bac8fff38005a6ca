import { formatCount } from '../ui/format';

export type PageOrder = 'newest' | 'oldest';
export type ReasonCount = { reason: string; origin: string | null; count: number };

/** Rows per page: the table shows this many, and only these are polled. */
export const PAGE_SIZE = 50;
/** The most one replay request moves in the database tier (pg/replay.ts): more needs another click. */
export const REPLAY_BATCH_MAX = 10_000;

const REASON: Record<string, string> = { rejected: 'rejected', max_deliveries: 'max deliveries', expired: 'expired', max_length: 'max length' };
export const reasonLabel = (reason: string) => REASON[reason] ?? reason;

/**
 * The queues a message expired or was pushed out of in turn, oldest first, ending with the queue
 * of this death: "work → parking → retry" (`diedBefore` is newest first). Null when this death is
 * the first of its chain: a rejection or a replay starts a new one.
 */
export function deathChain(death: { queue: string; diedBefore?: string[] } | null | undefined): string | null {
  if (!death?.diedBefore?.length) return null;
  return [...death.diedBefore].reverse().concat(death.queue).join(' → ');
}

export const parseOrder = (s: string | null): PageOrder => (s === 'oldest' ? 'oldest' : 'newest');

/** "253 max deliveries, 4 rejected": the whole queue by reason, most first. */
export function reasonSummary(counts: ReasonCount[]): string {
  const byReason = new Map<string, number>();
  for (const c of counts) byReason.set(c.reason, (byReason.get(c.reason) ?? 0) + c.count);
  return [...byReason]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([r, n]) => `${formatCount(n)} ${reasonLabel(r)}`)
    .join(', ');
}

/** The queues these dead letters died in, most first. */
export function originQueues(counts: ReasonCount[]): string[] {
  const byOrigin = new Map<string, number>();
  for (const c of counts) if (c.origin) byOrigin.set(c.origin, (byOrigin.get(c.origin) ?? 0) + c.count);
  return [...byOrigin].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([o]) => o);
}

/** Where the table stands: "Newest first · 51–100 of 253". */
export function pageCaption(p: { order: PageOrder; page: number; shown: number; total: number; filtering: boolean }): string {
  const first = p.page * PAGE_SIZE + 1;
  const last = p.page * PAGE_SIZE + p.shown;
  const order = p.order === 'newest' ? 'Newest first' : 'Oldest first';
  if (p.filtering) return `${order} · ${formatCount(first)}–${formatCount(last)} of those matching the filter`;
  if (p.page === 0 && p.shown >= p.total) return `All ${formatCount(p.total)}, ${order.toLowerCase()}`;
  return `${order} · ${formatCount(first)}–${formatCount(last)} of ${formatCount(p.total)}`;
}

/** The labels of the two paging buttons: which way is older depends on the order. */
export function pagerLabels(order: PageOrder): { back: string; forward: string } {
  return order === 'newest' ? { back: '← Newer', forward: 'Older →' } : { back: '← Older', forward: 'Newer →' };
}

/**
 * What "Replay all" or "Replay matching" will move, said before the click: the server's exact
 * count of matching dead letters not leased by a receive (in flight), capped by one request's batch.
 */
export function replayAllPlan(p: { matching: number; total: number; filtering: boolean; durable: boolean }): {
  moves: number;
  button: string;
  notes: string[];
} {
  const moves = p.durable ? Math.min(p.matching, REPLAY_BATCH_MAX) : p.matching;
  const notes: string[] = [];
  if (moves < p.matching) notes.push(`One replay moves at most ${formatCount(REPLAY_BATCH_MAX)}; replay again for the remaining ${formatCount(p.matching - moves)}.`);
  const held = p.filtering ? 0 : p.total - p.matching;
  if (held > 0) notes.push(`${formatCount(held)} leased by a receive (in flight) now ${held === 1 ? 'stays' : 'stay'} in the queue.`);
  const button = p.filtering ? `Replay ${formatCount(moves)} matching…` : `Replay all ${formatCount(moves)}…`;
  return { moves, button, notes };
}

/**
 * What the page calls a dead letter in flight: a receive from the DLQ leased it, and the lease
 * lasts until it is acked, nacked or its visibility timeout runs out. Not "held by a consumer":
 * the lease outlives the receive request, while the queue's consumers count is only who received
 * in the last 30 s (an unnamed client stops counting when its connection closes) or is waiting in
 * a long poll now, so the same DLQ often shows 0 consumers while one of its dead letters is leased.
 */
export const LEASED_BADGE = 'leased by a receive';

/**
 * Why a dead letter cannot be replayed from its row, or null when it can. One in flight is leased
 * to whoever received it until the lease is acked, nacked or runs out: the server leaves it where
 * it is (`skipped.leased`), so the row's Replay and Edit are disabled.
 */
export function replayBlocked(m: { state: string }): { short: string; full: string } | null {
  if (m.state !== 'in_flight') return null;
  return {
    short: 'Not while leased',
    full:
      'A receive from this DLQ leased it (in flight): replay it once the lease is acked or nacked, or runs out at the visibility timeout. ' +
      'The lease outlives the receive request, so the DLQ may show 0 consumers meanwhile.',
  };
}

/** The discard dialog's warning, for one dead letter or several. */
export function discardWarning(count: number, dlq: string): string {
  return count === 1
    ? `It is removed from ${dlq} and will not be delivered again. The message stays in the message store for audit until retention drops it.`
    : `They are removed from ${dlq} and will not be delivered again. The messages stay in the message store for audit until retention drops them.`;
}

/**
 * Two counts that look alike and differ for a dead letter: how often it was delivered in the
 * queue it died in (the death's attempts, reset to 0 when it moved) and how often it was
 * delivered from where it waits now (its DLQ: 0 until someone receives from the DLQ). Each label
 * says which it counts, so 3 and 0 side by side do not read as a contradiction.
 */
export function deliveriesBeforeDeath(death: { queue: string; attempts: number }): string {
  return `delivered ${death.attempts} ${death.attempts === 1 ? 'time' : 'times'} in ${death.queue} before it died`;
}

/** How often a message was delivered from the queue it is in now: "delivered 0 times from notification.dlq". */
export function deliveriesHere(attempt: number, queue: string): string {
  return `delivered ${attempt} ${attempt === 1 ? 'time' : 'times'} from ${queue}`;
}

/** The same as deliveriesBeforeDeath, short, under a "Delivered here" count: "3 in notification before it died". */
export function deliveriesBeforeDeathShort(death: { queue: string; attempts: number }): string {
  return `${death.attempts} in ${death.queue} before it died`;
}
